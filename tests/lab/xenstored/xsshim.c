/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SPDX-FileCopyrightText: 2026 datacenter.storage contributors */
/*
 * xsshim.c - LD_PRELOAD shim so that the REAL Xen 4.17 C xenstored
 * (/usr/lib/xen-4.17/bin/xenstored, Debian 12) runs without a hypervisor.
 *
 * Only the hypervisor-facing entry points the daemon calls are replaced;
 * everything else (protocol, tree, transactions, watches, permissions,
 * quotas, domain bookkeeping) is the daemon's own code.
 *
 * State lives in $XS_SHIM_DIR (default /run/xs-shim):
 *   xsd_port      dom0 xenbus event-channel port (stands in for /proc/xen/xsd_port)
 *   xsd_kva       dom0's 4 KiB ring page (stands in for /proc/xen/xsd_kva)
 *   ring-<domid>  4 KiB ring page of an introduced domU ("grant-mapped" file)
 *   dom-<domid>   domain <domid> "exists" in the fake hypervisor; content
 *                 "shutdown" or "dying" sets that state.  dom0 always exists.
 *   evtchn        FIFO: write a native uint32 port to wake the daemon
 *                 (port 1 = VIRQ_DOM_EXC -> the daemon re-checks all domains).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xenctrl.h>
#include <xenevtchn.h>
#include <xengnttab.h>

#define PAGE 4096
static int evfd = -1;            /* read side of the event-channel FIFO */
static unsigned int next_port = 1;

static const char *shim_path(char *buf, size_t n, const char *fmt, unsigned v)
{
    const char *d = getenv("XS_SHIM_DIR");
    int l = snprintf(buf, n, "%s/", d ? d : "/run/xs-shim");
    snprintf(buf + l, n - l, fmt, v);
    return buf;
}

/* libc open(): redirect /proc/xen/{xsd_port,xsd_kva} (dom0 port + ring). */
int open(const char *path, int flags, ...)
{
    static int (*real_open)(const char *, int, ...);
    char buf[512];
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap; va_start(ap, flags); mode = va_arg(ap, int); va_end(ap);
    }
    if (!real_open)
        real_open = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
    if (!strncmp(path, "/proc/xen/", 10))
        path = shim_path(buf, sizeof(buf), path + 10, 0);
    return real_open(path, flags, mode);
}

/* ---- libxenctrl: a non-NULL handle and a domain list read from files ---- */
xc_interface *xc_interface_open(xentoollog_logger *l, xentoollog_logger *d,
                                unsigned f)
{ return (xc_interface *)&evfd; }
int xc_interface_close(xc_interface *x) { return 0; }

int xc_domain_getinfo(xc_interface *x, uint32_t first, unsigned int max,
                      xc_dominfo_t *info)
{
    char p[512], st[16] = "";
    for (uint32_t d = first; max && d < DOMID_FIRST_RESERVED; d++) {
        int fd = open(shim_path(p, sizeof(p), "dom-%u", d), O_RDONLY);
        if (fd < 0 && d != 0)
            continue;
        if (fd >= 0) { (void)!read(fd, st, sizeof(st) - 1); close(fd); }
        memset(info, 0, sizeof(*info));
        info->domid = d;
        info->shutdown = !strncmp(st, "shutdown", 8);
        info->dying = !strncmp(st, "dying", 5);
        return 1;          /* the daemon always asks for max == 1 */
    }
    return 0;
}

/* ---- libxenevtchn: one FIFO instead of /dev/xen/evtchn ---- */
xenevtchn_handle *xenevtchn_open(xentoollog_logger *l, unsigned f)
{
    char p[512];
    shim_path(p, sizeof(p), "evtchn", 0);
    if (mkfifo(p, 0600) && errno != EEXIST)
        return NULL;
    evfd = open(p, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    return evfd < 0 ? NULL : (xenevtchn_handle *)&evfd;
}
int xenevtchn_fd(xenevtchn_handle *h) { return evfd; }
xenevtchn_port_or_error_t xenevtchn_bind_virq(xenevtchn_handle *h,
                                              unsigned int virq)
{ return next_port++; }    /* first call: VIRQ_DOM_EXC gets port 1 */
xenevtchn_port_or_error_t xenevtchn_bind_interdomain(xenevtchn_handle *h,
                                                     uint32_t dom,
                                                     evtchn_port_t rport)
{ return next_port++; }
int xenevtchn_unbind(xenevtchn_handle *h, evtchn_port_t p) { return 0; }
int xenevtchn_notify(xenevtchn_handle *h, evtchn_port_t p) { return 0; }
int xenevtchn_unmask(xenevtchn_handle *h, evtchn_port_t p) { return 0; }
xenevtchn_port_or_error_t xenevtchn_pending(xenevtchn_handle *h)
{
    uint32_t port = 0;
    return read(evfd, &port, sizeof(port)) == sizeof(port) ? port : 0;
}

/* ---- libxengnttab: a guest's ring page is the shared file ring-<domid> ---- */
xengnttab_handle *xengnttab_open(xentoollog_logger *l, unsigned f)
{ return (xengnttab_handle *)&evfd; }
int xengnttab_close(xengnttab_handle *h) { return 0; }
int xengnttab_set_max_grants(xengnttab_handle *h, uint32_t n) { return 0; }
void *xengnttab_map_grant_ref(xengnttab_handle *h, uint32_t domid,
                              uint32_t ref, int prot)
{
    char p[512];
    struct stat sb;
    xc_dominfo_t di;
    void *a;
    int fd;
    if (xc_domain_getinfo(NULL, domid, 1, &di) != 1 || di.domid != domid) {
        errno = ESRCH;             /* no such domain in the fake hypervisor */
        return NULL;
    }
    fd = open(shim_path(p, sizeof(p), "ring-%u", domid),
                  O_RDWR | O_CREAT, 0600);
    if (fd < 0)
        return NULL;
    if (fstat(fd, &sb) == 0 && sb.st_size < PAGE && ftruncate(fd, PAGE)) {
        close(fd);
        return NULL;
    }
    a = mmap(NULL, PAGE, prot, MAP_SHARED, fd, 0);
    close(fd);
    return a == MAP_FAILED ? NULL : a;
}
int xengnttab_unmap(xengnttab_handle *h, void *addr, uint32_t count)
{ return munmap(addr, count * PAGE); }
