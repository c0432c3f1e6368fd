# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Declarations from Debian's librados-dev/librbd-dev 16.2 headers, for cffi's ABI mode.

Structs are declared exactly as in the headers. Not imported at run time: ``scripts/gen_rbd_ffi.py``
compiles these into ``_ffi_tables.py``, which loads without parsing C (a unit test keeps the two in step).
"""

RADOS_CDEF = """
typedef long time_t;  /* cffi does not predefine it; long on Linux */
struct timeval { time_t tv_sec; long tv_usec; };
typedef void *rados_t;
typedef void *rados_ioctx_t;
typedef void *rados_config_t;
typedef void *rados_list_ctx_t;
typedef uint64_t rados_snap_t;
typedef void *rados_xattrs_iter_t;
typedef void *rados_omap_iter_t;
typedef void *rados_write_op_t;
typedef void *rados_read_op_t;
typedef void *rados_completion_t;
typedef void (*rados_callback_t)(rados_completion_t cb, void *arg);
typedef void (*rados_watchcb2_t)(void *arg, uint64_t notify_id, uint64_t handle, uint64_t notifier_id, void *data,
                                 size_t data_len);
typedef void (*rados_watcherrcb_t)(void *pre, uint64_t cookie, int err);
typedef void (*rados_log_callback_t)(void *arg, const char *line, const char *who, uint64_t sec, uint64_t nsec,
                                     uint64_t seq, const char *level, const char *msg);
typedef void (*rados_log_callback2_t)(void *arg, const char *line, const char *channel, const char *who,
                                      const char *name, uint64_t sec, uint64_t nsec, uint64_t seq, const char *level,
                                      const char *msg);
struct rados_pool_stat_t {
  uint64_t num_bytes; uint64_t num_kb; uint64_t num_objects; uint64_t num_object_clones; uint64_t num_object_copies;
  uint64_t num_objects_missing_on_primary; uint64_t num_objects_unfound; uint64_t num_objects_degraded;
  uint64_t num_rd; uint64_t num_rd_kb; uint64_t num_wr; uint64_t num_wr_kb; uint64_t num_user_bytes;
  uint64_t compressed_bytes_orig; uint64_t compressed_bytes; uint64_t compressed_bytes_alloc;
};
struct rados_cluster_stat_t { uint64_t kb; uint64_t kb_used; uint64_t kb_avail; uint64_t num_objects; };
struct notify_ack_t { uint64_t notifier_id; uint64_t cookie; char *payload; uint64_t payload_len; };
struct notify_timeout_t { uint64_t notifier_id; uint64_t cookie; };
void free(void *ptr);  /* libc's, reached through librados: frees rados_getaddrs()'s string */
void rados_version(int *major, int *minor, int *extra);
int rados_create_with_context(rados_t *cluster, rados_config_t cct);
int rados_create2(rados_t *pcluster, const char *const clustername, const char * const name, uint64_t flags);
int rados_conf_read_file(rados_t cluster, const char *path);
int rados_conf_set(rados_t cluster, const char *option, const char *value);
int rados_conf_get(rados_t cluster, const char *option, char *buf, size_t len);
int rados_conf_parse_env(rados_t cluster, const char *var);
int rados_connect(rados_t cluster);
void rados_shutdown(rados_t cluster);
int rados_ioctx_create(rados_t cluster, const char *pool_name, rados_ioctx_t *ioctx);
int rados_ioctx_create2(rados_t cluster, int64_t pool_id, rados_ioctx_t *ioctx);
void rados_ioctx_destroy(rados_ioctx_t io);
int rados_cluster_fsid(rados_t cluster, char *buf, size_t len);
int rados_pool_list(rados_t cluster, char *buf, size_t len);
int64_t rados_pool_lookup(rados_t cluster, const char *pool_name);
int rados_pool_reverse_lookup(rados_t cluster, int64_t id, char *buf, size_t maxlen);
void rados_ioctx_set_namespace(rados_ioctx_t io, const char *nspace);
int rados_ioctx_get_namespace(rados_ioctx_t io, char *buf, unsigned maxlen);
int64_t rados_ioctx_get_id(rados_ioctx_t io);
int rados_ioctx_get_pool_name(rados_ioctx_t io, char *buf, unsigned maxlen);
uint64_t rados_get_instance_id(rados_t cluster);
int rados_wait_for_latest_osdmap(rados_t cluster);
int rados_getaddrs(rados_t cluster, char** addrs);
int rados_ioctx_pool_stat(rados_ioctx_t io, struct rados_pool_stat_t *stats);
int rados_pool_create(rados_t cluster, const char *pool_name);
int rados_pool_create_with_crush_rule(rados_t cluster, const char *pool_name, uint8_t crush_rule_num);
int rados_pool_create_with_auid(rados_t cluster, const char *pool_name, uint64_t auid);
int rados_pool_create_with_all(rados_t cluster, const char *pool_name, uint64_t auid, uint8_t crush_rule_num);
int rados_pool_get_base_tier(rados_t cluster, int64_t pool, int64_t* base_tier);
int rados_pool_delete(rados_t cluster, const char *pool_name);
int rados_inconsistent_pg_list(rados_t cluster, int64_t pool, char *buf, size_t len);
int rados_cluster_stat(rados_t cluster, struct rados_cluster_stat_t *result);
int rados_blocklist_add(rados_t cluster, char *client_address, uint32_t expire_seconds);
int rados_application_enable(rados_ioctx_t io, const char *app_name, int force);
int rados_application_list(rados_ioctx_t io, char *values, size_t *values_len);
int rados_application_metadata_get(rados_ioctx_t io, const char *app_name, const char *key, char *value,
                                   size_t *value_len);
int rados_application_metadata_set(rados_ioctx_t io, const char *app_name, const char *key, const char *value);
int rados_application_metadata_remove(rados_ioctx_t io, const char *app_name, const char *key);
int rados_application_metadata_list(rados_ioctx_t io, const char *app_name, char *keys, size_t *key_len,
                                    char *values, size_t *vals_len);
void rados_set_pool_full_try(rados_ioctx_t io);
void rados_unset_pool_full_try(rados_ioctx_t io);
int rados_ping_monitor(rados_t cluster, const char *mon_id, char **outstr, size_t *outstrlen);
int rados_mon_command(rados_t cluster, const char **cmd, size_t cmdlen, const char *inbuf, size_t inbuflen,
                      char **outbuf, size_t *outbuflen, char **outs, size_t *outslen);
int rados_mon_command_target(rados_t cluster, const char *name, const char **cmd, size_t cmdlen, const char *inbuf,
                             size_t inbuflen, char **outbuf, size_t *outbuflen, char **outs, size_t *outslen);
int rados_mgr_command(rados_t cluster, const char **cmd, size_t cmdlen, const char *inbuf, size_t inbuflen,
                      char **outbuf, size_t *outbuflen, char **outs, size_t *outslen);
int rados_mgr_command_target( rados_t cluster, const char *name, const char **cmd, size_t cmdlen, const char *inbuf,
                             size_t inbuflen, char **outbuf, size_t *outbuflen, char **outs, size_t *outslen);
int rados_osd_command(rados_t cluster, int osdid, const char **cmd, size_t cmdlen, const char *inbuf,
                      size_t inbuflen, char **outbuf, size_t *outbuflen, char **outs, size_t *outslen);
int rados_pg_command(rados_t cluster, const char *pgstr, const char **cmd, size_t cmdlen, const char *inbuf,
                     size_t inbuflen, char **outbuf, size_t *outbuflen, char **outs, size_t *outslen);
void rados_buffer_free(char *buf);
int rados_monitor_log(rados_t cluster, const char *level, rados_log_callback_t cb, void *arg);
int rados_monitor_log2(rados_t cluster, const char *level, rados_log_callback2_t cb, void *arg);
int rados_service_register( rados_t cluster, const char *service, const char *daemon, const char *metadata_dict);
int rados_service_update_status( rados_t cluster, const char *status_dict);
int rados_conf_parse_argv_remainder(rados_t cluster, int argc, const char **argv, const char **remargv);
void rados_ioctx_locator_set_key(rados_ioctx_t io, const char *key);
rados_t rados_ioctx_get_cluster(rados_ioctx_t io);
uint64_t rados_get_last_version(rados_ioctx_t io);
int rados_stat(rados_ioctx_t io, const char *o, uint64_t *psize, time_t *pmtime);
int rados_write(rados_ioctx_t io, const char *oid, const char *buf, size_t len, uint64_t off);
int rados_write_full(rados_ioctx_t io, const char *oid, const char *buf, size_t len);
int rados_writesame(rados_ioctx_t io, const char *oid, const char *buf, size_t data_len, size_t write_len,
                    uint64_t off);
int rados_append(rados_ioctx_t io, const char *oid, const char *buf, size_t len);
int rados_read(rados_ioctx_t io, const char *oid, char *buf, size_t len, uint64_t off);
int rados_remove(rados_ioctx_t io, const char *oid);
int rados_trunc(rados_ioctx_t io, const char *oid, uint64_t size);
int rados_cmpext(rados_ioctx_t io, const char *o, const char *cmp_buf, size_t cmp_len, uint64_t off);
int rados_getxattr(rados_ioctx_t io, const char *o, const char *name, char *buf, size_t len);
int rados_setxattr(rados_ioctx_t io, const char *o, const char *name, const char *buf, size_t len);
int rados_rmxattr(rados_ioctx_t io, const char *o, const char *name);
int rados_getxattrs(rados_ioctx_t io, const char *oid, rados_xattrs_iter_t *iter);
int rados_getxattrs_next(rados_xattrs_iter_t iter, const char **name, const char **val, size_t *len);
void rados_getxattrs_end(rados_xattrs_iter_t iter);
int rados_nobjects_list_open(rados_ioctx_t io, rados_list_ctx_t *ctx);
int rados_nobjects_list_next2(rados_list_ctx_t ctx, const char **entry, const char **key, const char **nspace,
                              size_t *entry_size, size_t *key_size, size_t *nspace_size);
void rados_nobjects_list_close(rados_list_ctx_t ctx);
int rados_ioctx_pool_requires_alignment2(rados_ioctx_t io, int *req);
int rados_ioctx_pool_required_alignment2(rados_ioctx_t io, uint64_t *alignment);
int rados_ioctx_snap_rollback(rados_ioctx_t io, const char *oid, const char *snapname);
int rados_ioctx_snap_create(rados_ioctx_t io, const char *snapname);
int rados_ioctx_snap_remove(rados_ioctx_t io, const char *snapname);
int rados_ioctx_snap_lookup(rados_ioctx_t io, const char *name, rados_snap_t *id);
int rados_ioctx_snap_get_name(rados_ioctx_t io, rados_snap_t id, char *name, int maxlen);
void rados_ioctx_snap_set_read(rados_ioctx_t io, rados_snap_t snap);
int rados_ioctx_snap_list(rados_ioctx_t io, rados_snap_t *snaps, int maxlen);
int rados_ioctx_snap_get_stamp(rados_ioctx_t io, rados_snap_t id, time_t *t);
int rados_ioctx_selfmanaged_snap_create(rados_ioctx_t io, rados_snap_t *snapid);
int rados_ioctx_selfmanaged_snap_remove(rados_ioctx_t io, rados_snap_t snapid);
int rados_ioctx_selfmanaged_snap_set_write_ctx(rados_ioctx_t io, rados_snap_t seq, rados_snap_t *snaps,
                                               int num_snaps);
int rados_ioctx_selfmanaged_snap_rollback(rados_ioctx_t io, const char *oid, rados_snap_t snapid);
int rados_lock_exclusive(rados_ioctx_t io, const char * oid, const char * name, const char * cookie,
                         const char * desc, struct timeval * duration, uint8_t flags);
int rados_lock_shared(rados_ioctx_t io, const char * o, const char * name, const char * cookie, const char * tag,
                      const char * desc, struct timeval * duration, uint8_t flags);
int rados_unlock(rados_ioctx_t io, const char *o, const char *name, const char *cookie);
rados_write_op_t rados_create_write_op(void);
void rados_release_write_op(rados_write_op_t write_op);
void rados_write_op_create(rados_write_op_t write_op, int exclusive, const char* category);
void rados_write_op_append(rados_write_op_t write_op, const char *buffer, size_t len);
void rados_write_op_write_full(rados_write_op_t write_op, const char *buffer, size_t len);
void rados_write_op_write(rados_write_op_t write_op, const char *buffer, size_t len, uint64_t offset);
void rados_write_op_assert_version(rados_write_op_t write_op, uint64_t ver);
void rados_write_op_remove(rados_write_op_t write_op);
void rados_write_op_truncate(rados_write_op_t write_op, uint64_t offset);
void rados_write_op_zero(rados_write_op_t write_op, uint64_t offset, uint64_t len);
void rados_write_op_set_flags(rados_write_op_t write_op, int flags);
void rados_write_op_setxattr(rados_write_op_t write_op, const char *name, const char *value, size_t value_len);
void rados_write_op_rmxattr(rados_write_op_t write_op, const char *name);
void rados_write_op_exec(rados_write_op_t write_op, const char *cls, const char *method, const char *in_buf,
                         size_t in_len, int *prval);
void rados_write_op_writesame(rados_write_op_t write_op, const char *buffer, size_t data_len, size_t write_len,
                              uint64_t offset);
void rados_write_op_cmpext(rados_write_op_t write_op, const char *cmp_buf, size_t cmp_len, uint64_t off, int *prval);
void rados_write_op_omap_cmp(rados_write_op_t write_op, const char *key, uint8_t comparison_operator,
                             const char *val, size_t val_len, int *prval);
void rados_write_op_omap_set(rados_write_op_t write_op, char const* const* keys, char const* const* vals,
                             const size_t *lens, size_t num);
void rados_write_op_omap_rm_keys(rados_write_op_t write_op, char const* const* keys, size_t keys_len);
void rados_write_op_omap_clear(rados_write_op_t write_op);
void rados_write_op_omap_rm_range2(rados_write_op_t write_op, const char *key_begin, size_t key_begin_len,
                                   const char *key_end, size_t key_end_len);
int rados_write_op_operate(rados_write_op_t write_op, rados_ioctx_t io, const char *oid, time_t *mtime, int flags);
int rados_aio_write_op_operate(rados_write_op_t write_op, rados_ioctx_t io, rados_completion_t completion,
                               const char *oid, time_t *mtime, int flags);
rados_read_op_t rados_create_read_op(void);
void rados_release_read_op(rados_read_op_t read_op);
void rados_read_op_set_flags(rados_read_op_t read_op, int flags);
void rados_read_op_cmpext(rados_read_op_t read_op, const char *cmp_buf, size_t cmp_len, uint64_t off, int *prval);
void rados_read_op_omap_get_vals2(rados_read_op_t read_op, const char *start_after, const char *filter_prefix,
                                  uint64_t max_return, rados_omap_iter_t *iter, unsigned char *pmore, int *prval);
void rados_read_op_omap_get_keys2(rados_read_op_t read_op, const char *start_after, uint64_t max_return,
                                  rados_omap_iter_t *iter, unsigned char *pmore, int *prval);
void rados_read_op_omap_get_vals_by_keys(rados_read_op_t read_op, char const* const* keys, size_t keys_len,
                                         rados_omap_iter_t *iter, int *prval);
void rados_read_op_exec_user_buf(rados_read_op_t read_op, const char *cls, const char *method, const char *in_buf,
                                 size_t in_len, char *out_buf, size_t out_len, size_t *used_len, int *prval);
int rados_read_op_operate(rados_read_op_t read_op, rados_ioctx_t io, const char *oid, int flags);
int rados_aio_read_op_operate(rados_read_op_t read_op, rados_ioctx_t io, rados_completion_t completion,
                              const char *oid, int flags);
int rados_omap_get_next(rados_omap_iter_t iter, char **key, char **val, size_t *len);
void rados_omap_get_end(rados_omap_iter_t iter);
int rados_aio_create_completion2(void *cb_arg, rados_callback_t cb_complete, rados_completion_t *pc);
void rados_aio_release(rados_completion_t c);
int rados_aio_stat(rados_ioctx_t io, const char *o, rados_completion_t completion, uint64_t *psize, time_t *pmtime);
int rados_aio_write(rados_ioctx_t io, const char *oid, rados_completion_t completion, const char *buf, size_t len,
                    uint64_t off);
int rados_aio_append(rados_ioctx_t io, const char *oid, rados_completion_t completion, const char *buf, size_t len);
int rados_aio_write_full(rados_ioctx_t io, const char *oid, rados_completion_t completion, const char *buf,
                         size_t len);
int rados_aio_writesame(rados_ioctx_t io, const char *oid, rados_completion_t completion, const char *buf,
                        size_t data_len, size_t write_len, uint64_t off);
int rados_aio_remove(rados_ioctx_t io, const char *oid, rados_completion_t completion);
int rados_aio_read(rados_ioctx_t io, const char *oid, rados_completion_t completion, char *buf, size_t len,
                   uint64_t off);
int rados_aio_flush(rados_ioctx_t io);
int rados_aio_cmpext(rados_ioctx_t io, const char *o, rados_completion_t completion, const char *cmp_buf,
                     size_t cmp_len, uint64_t off);
int rados_aio_rmxattr(rados_ioctx_t io, const char *o, rados_completion_t completion, const char *name);
int rados_aio_setxattr(rados_ioctx_t io, const char *o, rados_completion_t completion, const char *name,
                       const char *buf, size_t len);
int rados_aio_exec(rados_ioctx_t io, const char *o, rados_completion_t completion, const char *cls,
                   const char *method, const char *in_buf, size_t in_len, char *buf, size_t out_len);
int rados_aio_notify(rados_ioctx_t io, const char *o, rados_completion_t completion, const char *buf, int buf_len,
                     uint64_t timeout_ms, char **reply_buffer, size_t *reply_buffer_len);
int rados_aio_get_return_value(rados_completion_t c);
int rados_aio_wait_for_complete_and_cb(rados_completion_t c);
int rados_aio_wait_for_complete(rados_completion_t c);
int rados_aio_is_complete(rados_completion_t c);
int rados_exec(rados_ioctx_t io, const char *oid, const char *cls, const char *method, const char *in_buf,
               size_t in_len, char *buf, size_t out_len);
int rados_watch3(rados_ioctx_t io, const char *o, uint64_t *cookie, rados_watchcb2_t watchcb,
                 rados_watcherrcb_t watcherrcb, uint32_t timeout, void *arg);
int rados_unwatch2(rados_ioctx_t io, uint64_t cookie);
int rados_watch_check(rados_ioctx_t io, uint64_t cookie);
int rados_watch_flush(rados_t cluster);
int rados_notify_ack(rados_ioctx_t io, const char *o, uint64_t notify_id, uint64_t cookie, const char *buf,
                     int buf_len);
int rados_notify2(rados_ioctx_t io, const char *o, const char *buf, int buf_len, uint64_t timeout_ms,
                  char **reply_buffer, size_t *reply_buffer_len);
int rados_decode_notify_response(char *reply_buffer, size_t reply_buffer_len, struct notify_ack_t **acks,
                                 size_t *nr_acks, struct notify_timeout_t **timeouts, size_t *nr_timeouts);
void rados_free_notify_response(struct notify_ack_t *acks, size_t nr_acks, struct notify_timeout_t *timeouts);
"""

RBD_CDEF = """
typedef long time_t;  /* cffi does not predefine it; long on Linux */
typedef void *rbd_image_t;
typedef void *rbd_image_options_t;
typedef void *rbd_completion_t;
typedef void (*rbd_callback_t)(rbd_completion_t cb, void *arg);
typedef int (*librbd_progress_fn_t)(uint64_t offset, uint64_t total, void *ptr);
typedef enum {
  RBD_SNAP_NAMESPACE_TYPE_USER   = 0,
  RBD_SNAP_NAMESPACE_TYPE_GROUP  = 1,
  RBD_SNAP_NAMESPACE_TYPE_TRASH  = 2,
  RBD_SNAP_NAMESPACE_TYPE_MIRROR = 3,
} rbd_snap_namespace_type_t;
typedef struct { char *id; char *name; } rbd_image_spec_t;
typedef struct {
  int64_t pool_id; char *pool_name; char *pool_namespace; char *image_id; char *image_name; bool trash;
} rbd_linked_image_spec_t;
typedef struct { uint64_t id; rbd_snap_namespace_type_t namespace_type; char *name; } rbd_snap_spec_t;
typedef struct { uint64_t id; uint64_t size; const char *name; } rbd_snap_info_t;
typedef struct {
  uint64_t size; uint64_t obj_size; uint64_t num_objs; int order;
  char block_name_prefix[24]; int64_t parent_pool; char parent_name[96];
} rbd_image_info_t;
typedef enum {
  RBD_TRASH_IMAGE_SOURCE_USER = 0, RBD_TRASH_IMAGE_SOURCE_MIRRORING = 1, RBD_TRASH_IMAGE_SOURCE_MIGRATION = 2,
  RBD_TRASH_IMAGE_SOURCE_REMOVING = 3, RBD_TRASH_IMAGE_SOURCE_USER_PARENT = 4,
} rbd_trash_image_source_t;
typedef struct {
  char *id; char *name; rbd_trash_image_source_t source; time_t deletion_time; time_t deferment_end_time;
} rbd_trash_image_info_t;
typedef struct { char *addr; int64_t id; uint64_t cookie; } rbd_image_watcher_t;
struct timespec { time_t tv_sec; long tv_nsec; };
typedef void *rbd_pool_stats_t;
typedef void *rbd_encryption_options_t;
typedef enum { RBD_MIRROR_MODE_DISABLED, RBD_MIRROR_MODE_IMAGE, RBD_MIRROR_MODE_POOL } rbd_mirror_mode_t;
typedef enum {
  RBD_MIRROR_PEER_DIRECTION_RX = 0, RBD_MIRROR_PEER_DIRECTION_TX = 1, RBD_MIRROR_PEER_DIRECTION_RX_TX = 2
} rbd_mirror_peer_direction_t;
typedef struct {
  char *uuid; rbd_mirror_peer_direction_t direction; char *site_name; char *mirror_uuid; char *client_name;
  time_t last_seen;
} rbd_mirror_peer_site_t;
typedef enum { RBD_MIRROR_IMAGE_MODE_JOURNAL = 0, RBD_MIRROR_IMAGE_MODE_SNAPSHOT = 1 } rbd_mirror_image_mode_t;
typedef enum {
  RBD_MIRROR_IMAGE_DISABLING = 0, RBD_MIRROR_IMAGE_ENABLED = 1, RBD_MIRROR_IMAGE_DISABLED = 2
} rbd_mirror_image_state_t;
typedef struct { char *global_id; rbd_mirror_image_state_t state; bool primary; } rbd_mirror_image_info_t;
typedef enum {
  MIRROR_IMAGE_STATUS_STATE_UNKNOWN = 0, MIRROR_IMAGE_STATUS_STATE_ERROR = 1, MIRROR_IMAGE_STATUS_STATE_SYNCING = 2,
  MIRROR_IMAGE_STATUS_STATE_STARTING_REPLAY = 3, MIRROR_IMAGE_STATUS_STATE_REPLAYING = 4,
  MIRROR_IMAGE_STATUS_STATE_STOPPING_REPLAY = 5, MIRROR_IMAGE_STATUS_STATE_STOPPED = 6,
} rbd_mirror_image_status_state_t;
typedef struct {
  char *mirror_uuid; rbd_mirror_image_status_state_t state; char *description; time_t last_update; bool up;
} rbd_mirror_image_site_status_t;
typedef struct {
  char *name; rbd_mirror_image_info_t info; uint32_t site_statuses_count; rbd_mirror_image_site_status_t *site_statuses;
} rbd_mirror_image_global_status_t;
typedef enum { RBD_GROUP_IMAGE_STATE_ATTACHED, RBD_GROUP_IMAGE_STATE_INCOMPLETE } rbd_group_image_state_t;
typedef struct { char *name; int64_t pool; rbd_group_image_state_t state; } rbd_group_image_info_t;
typedef struct { char *name; int64_t pool; } rbd_group_info_t;
typedef enum { RBD_GROUP_SNAP_STATE_INCOMPLETE, RBD_GROUP_SNAP_STATE_COMPLETE } rbd_group_snap_state_t;
typedef struct { char *name; rbd_group_snap_state_t state; } rbd_group_snap_info_t;
typedef struct { int64_t group_pool; char *group_name; char *group_snap_name; } rbd_snap_group_namespace_t;
typedef enum {
  RBD_SNAP_MIRROR_STATE_PRIMARY, RBD_SNAP_MIRROR_STATE_PRIMARY_DEMOTED, RBD_SNAP_MIRROR_STATE_NON_PRIMARY,
  RBD_SNAP_MIRROR_STATE_NON_PRIMARY_DEMOTED
} rbd_snap_mirror_state_t;
typedef struct {
  rbd_snap_mirror_state_t state; size_t mirror_peer_uuids_count; char *mirror_peer_uuids; bool complete;
  char *primary_mirror_uuid; uint64_t primary_snap_id; uint64_t last_copied_object_number;
} rbd_snap_mirror_namespace_t;
typedef enum { RBD_LOCK_MODE_EXCLUSIVE = 0, RBD_LOCK_MODE_SHARED = 1 } rbd_lock_mode_t;
typedef enum {
  RBD_IMAGE_MIGRATION_STATE_UNKNOWN = -1, RBD_IMAGE_MIGRATION_STATE_ERROR = 0, RBD_IMAGE_MIGRATION_STATE_PREPARING = 1,
  RBD_IMAGE_MIGRATION_STATE_PREPARED = 2, RBD_IMAGE_MIGRATION_STATE_EXECUTING = 3,
  RBD_IMAGE_MIGRATION_STATE_EXECUTED = 4, RBD_IMAGE_MIGRATION_STATE_ABORTING = 5,
} rbd_image_migration_state_t;
typedef struct {
  int64_t source_pool_id; char *source_pool_namespace; char *source_image_name; char *source_image_id;
  int64_t dest_pool_id; char *dest_pool_namespace; char *dest_image_name; char *dest_image_id;
  rbd_image_migration_state_t state; char *state_description;
} rbd_image_migration_status_t;
typedef enum { RBD_CONFIG_SOURCE_CONFIG = 0, RBD_CONFIG_SOURCE_POOL = 1, RBD_CONFIG_SOURCE_IMAGE = 2 } rbd_config_source_t;
typedef struct { char *name; char *value; rbd_config_source_t source; } rbd_config_option_t;
typedef enum { RBD_ENCRYPTION_FORMAT_LUKS1 = 0, RBD_ENCRYPTION_FORMAT_LUKS2 = 1 } rbd_encryption_format_t;
typedef enum { RBD_ENCRYPTION_ALGORITHM_AES128 = 0, RBD_ENCRYPTION_ALGORITHM_AES256 = 1 } rbd_encryption_algorithm_t;
typedef struct {
  rbd_encryption_algorithm_t alg; const char *passphrase; size_t passphrase_size;
} rbd_encryption_luks1_format_options_t;
typedef struct {
  rbd_encryption_algorithm_t alg; const char *passphrase; size_t passphrase_size;
} rbd_encryption_luks2_format_options_t;

void rbd_version(int *major, int *minor, int *extra);
void rbd_image_options_create(rbd_image_options_t* opts);
void rbd_image_options_destroy(rbd_image_options_t opts);
int rbd_image_options_set_uint64(rbd_image_options_t opts, int optname, uint64_t optval);
int rbd_image_options_set_string(rbd_image_options_t opts, int optname, const char* optval);
int rbd_list2(rados_ioctx_t io, rbd_image_spec_t* images, size_t *max_images);
void rbd_image_spec_list_cleanup(rbd_image_spec_t *images, size_t num_images);
int rbd_create(rados_ioctx_t io, const char *name, uint64_t size, int *order);
int rbd_create4(rados_ioctx_t io, const char *name, uint64_t size, rbd_image_options_t opts);
int rbd_clone3(rados_ioctx_t p_ioctx, const char *p_name, const char *p_snapname, rados_ioctx_t c_ioctx,
               const char *c_name, rbd_image_options_t c_opts);
int rbd_remove(rados_ioctx_t io, const char *name);
int rbd_rename(rados_ioctx_t src_io_ctx, const char *srcname, const char *destname);
int rbd_trash_move(rados_ioctx_t io, const char *name, uint64_t delay);
int rbd_trash_list(rados_ioctx_t io, rbd_trash_image_info_t *trash_entries, size_t *num_entries);
void rbd_trash_list_cleanup(rbd_trash_image_info_t *trash_entries, size_t num_entries);
int rbd_trash_get(rados_ioctx_t io, const char *id, rbd_trash_image_info_t *info);
void rbd_trash_get_cleanup(rbd_trash_image_info_t *info);
int rbd_trash_restore(rados_ioctx_t io, const char *id, const char *name);
int rbd_trash_remove(rados_ioctx_t io, const char *id, bool force);
int rbd_namespace_create(rados_ioctx_t io, const char *namespace_name);
int rbd_namespace_remove(rados_ioctx_t io, const char *namespace_name);
int rbd_namespace_list(rados_ioctx_t io, char *namespace_names, size_t *size);
int rbd_namespace_exists(rados_ioctx_t io, const char *namespace_name, bool *exists);
int rbd_pool_metadata_get(rados_ioctx_t io_ctx, const char *key, char *value, size_t *val_len);
int rbd_pool_metadata_set(rados_ioctx_t io_ctx, const char *key, const char *value);
int rbd_pool_metadata_remove(rados_ioctx_t io_ctx, const char *key);
int rbd_pool_metadata_list(rados_ioctx_t io_ctx, const char *start, uint64_t max, char *keys, size_t *key_len,
                           char *values, size_t *vals_len);
int rbd_open(rados_ioctx_t io, const char *name, rbd_image_t *image, const char *snap_name);
int rbd_open_read_only(rados_ioctx_t io, const char *name, rbd_image_t *image, const char *snap_name);
int rbd_open_by_id(rados_ioctx_t io, const char *id, rbd_image_t *image, const char *snap_name);
int rbd_open_by_id_read_only(rados_ioctx_t io, const char *id, rbd_image_t *image, const char *snap_name);
int rbd_close(rbd_image_t image);
int rbd_get_size(rbd_image_t image, uint64_t *size);
int rbd_stat(rbd_image_t image, rbd_image_info_t *info, size_t infosize);
int rbd_resize2(rbd_image_t image, uint64_t size, bool allow_shrink, librbd_progress_fn_t cb, void *cbdata);
int rbd_get_features(rbd_image_t image, uint64_t *features);
int rbd_update_features(rbd_image_t image, uint64_t features, uint8_t enabled);
int rbd_get_op_features(rbd_image_t image, uint64_t *op_features);
int rbd_get_flags(rbd_image_t image, uint64_t *flags);
int rbd_get_stripe_unit(rbd_image_t image, uint64_t *stripe_unit);
int rbd_get_stripe_count(rbd_image_t image, uint64_t *stripe_count);
int64_t rbd_get_data_pool_id(rbd_image_t image);
int rbd_get_overlap(rbd_image_t image, uint64_t *overlap);
int rbd_get_old_format(rbd_image_t image, uint8_t *old);
ssize_t rbd_read2(rbd_image_t image, uint64_t ofs, size_t len, char *buf, int op_flags);
ssize_t rbd_write2(rbd_image_t image, uint64_t ofs, size_t len, const char *buf, int op_flags);
int rbd_discard(rbd_image_t image, uint64_t ofs, uint64_t len);
int rbd_flush(rbd_image_t image);
int rbd_aio_create_completion(void *cb_arg, rbd_callback_t complete_cb, rbd_completion_t *c);
int rbd_aio_wait_for_complete(rbd_completion_t c);
int rbd_aio_is_complete(rbd_completion_t c);
ssize_t rbd_aio_get_return_value(rbd_completion_t c);
void rbd_aio_release(rbd_completion_t c);
int rbd_aio_read2(rbd_image_t image, uint64_t off, size_t len, char *buf, rbd_completion_t c, int op_flags);
int rbd_aio_write2(rbd_image_t image, uint64_t off, size_t len, const char *buf, rbd_completion_t c, int op_flags);
int rbd_snap_create2(rbd_image_t image, const char *snap_name, uint32_t flags, librbd_progress_fn_t cb, void *cbdata);
int rbd_snap_remove(rbd_image_t image, const char *snapname);
int rbd_snap_remove2(rbd_image_t image, const char *snap_name, uint32_t flags, librbd_progress_fn_t cb, void *cbdata);
int rbd_snap_rename(rbd_image_t image, const char *snapname, const char* dstsnapsname);
int rbd_snap_protect(rbd_image_t image, const char *snap_name);
int rbd_snap_unprotect(rbd_image_t image, const char *snap_name);
int rbd_snap_is_protected(rbd_image_t image, const char *snap_name, int *is_protected);
int rbd_snap_rollback(rbd_image_t image, const char *snapname);
int rbd_snap_list(rbd_image_t image, rbd_snap_info_t *snaps, int *max_snaps);
void rbd_snap_list_end(rbd_snap_info_t *snaps);
int rbd_snap_get_timestamp(rbd_image_t image, uint64_t snap_id, struct timespec *timestamp);
int rbd_snap_set(rbd_image_t image, const char *snapname);
int rbd_snap_get_namespace_type(rbd_image_t image, uint64_t snap_id, rbd_snap_namespace_type_t *namespace_type);
int rbd_snap_exists(rbd_image_t image, const char *snapname, bool *exists);
int rbd_flatten(rbd_image_t image);
int rbd_copy3(rbd_image_t src, rados_ioctx_t dest_io_ctx, const char *destname, rbd_image_options_t dest_opts);
int rbd_deep_copy(rbd_image_t src, rados_ioctx_t dest_io_ctx, const char *destname, rbd_image_options_t dest_opts);
int rbd_get_parent(rbd_image_t image, rbd_linked_image_spec_t *parent_image, rbd_snap_spec_t *parent_snap);
void rbd_linked_image_spec_cleanup(rbd_linked_image_spec_t *image);
void rbd_snap_spec_cleanup(rbd_snap_spec_t *snap);
int rbd_list_children3(rbd_image_t image, rbd_linked_image_spec_t *images, size_t *max_images);
void rbd_linked_image_spec_list_cleanup(rbd_linked_image_spec_t *images, size_t num_images);
int rbd_metadata_get(rbd_image_t image, const char *key, char *value, size_t *val_len);
int rbd_metadata_set(rbd_image_t image, const char *key, const char *value);
int rbd_metadata_remove(rbd_image_t image, const char *key);
int rbd_metadata_list(rbd_image_t image, const char *start, uint64_t max, char *keys, size_t *key_len,
                      char *values, size_t *vals_len);
int rbd_lock_exclusive(rbd_image_t image, const char *cookie);
int rbd_lock_shared(rbd_image_t image, const char *cookie, const char *tag);
int rbd_unlock(rbd_image_t image, const char *cookie);
int rbd_break_lock(rbd_image_t image, const char *client, const char *cookie);
ssize_t rbd_list_lockers(rbd_image_t image, int *exclusive, char *tag, size_t *tag_len, char *clients,
                         size_t *clients_len,
                         char *cookies, size_t *cookies_len, char *addrs, size_t *addrs_len);
int rbd_watchers_list(rbd_image_t image, rbd_image_watcher_t *watchers, size_t *max_watchers);
void rbd_watchers_list_cleanup(rbd_image_watcher_t *watchers, size_t num_watchers);
int rbd_rebuild_object_map(rbd_image_t image, librbd_progress_fn_t cb, void *cbdata);
int rbd_diff_iterate2(rbd_image_t image, const char *fromsnapname, uint64_t ofs, uint64_t len, uint8_t include_parent,
                      uint8_t whole_object, int (*cb)(uint64_t, size_t, int, void *), void *arg);
int rbd_get_id(rbd_image_t image, char *id, size_t id_len);
int rbd_get_block_name_prefix(rbd_image_t image, char *prefix, size_t prefix_len);
int rbd_get_create_timestamp(rbd_image_t image, struct timespec *timestamp);
int rbd_get_name(rbd_image_t image, char *name, size_t *name_len);
int rbd_remove_with_progress(rados_ioctx_t io, const char *name, librbd_progress_fn_t cb, void *cbdata);
int rbd_trash_purge(rados_ioctx_t io, time_t expire_ts, float threshold);
int rbd_trash_remove_with_progress(rados_ioctx_t io, const char *id, bool force, librbd_progress_fn_t cb,
    void *cbdata);
int rbd_migration_prepare(rados_ioctx_t ioctx, const char *image_name, rados_ioctx_t dest_ioctx,
    const char *dest_image_name, rbd_image_options_t opts);
int rbd_migration_prepare_import(const char *source_spec, rados_ioctx_t dest_ioctx, const char *dest_image_name,
    rbd_image_options_t opts);
int rbd_migration_execute_with_progress(rados_ioctx_t ioctx, const char *image_name, librbd_progress_fn_t cb,
    void *cbdata);
int rbd_migration_commit_with_progress(rados_ioctx_t ioctx, const char *image_name, librbd_progress_fn_t cb,
    void *cbdata);
int rbd_migration_abort_with_progress(rados_ioctx_t ioctx, const char *image_name, librbd_progress_fn_t cb,
    void *cbdata);
int rbd_migration_status(rados_ioctx_t ioctx, const char *image_name, rbd_image_migration_status_t *status,
    size_t status_size);
void rbd_migration_status_cleanup(rbd_image_migration_status_t *status);
int rbd_mirror_site_name_get(rados_t cluster, char *name, size_t *max_len);
int rbd_mirror_site_name_set(rados_t cluster, const char *name);
int rbd_mirror_mode_get(rados_ioctx_t io_ctx, rbd_mirror_mode_t *mirror_mode);
int rbd_mirror_mode_set(rados_ioctx_t io_ctx, rbd_mirror_mode_t mirror_mode);
int rbd_mirror_uuid_get(rados_ioctx_t io_ctx, char *uuid, size_t *max_len);
int rbd_mirror_peer_bootstrap_create(rados_ioctx_t io_ctx, char *token, size_t *max_len);
int rbd_mirror_peer_bootstrap_import(rados_ioctx_t io_ctx, rbd_mirror_peer_direction_t direction, const char *token);
int rbd_mirror_peer_site_add(rados_ioctx_t io_ctx, char *uuid, size_t uuid_max_length,
    rbd_mirror_peer_direction_t direction, const char *site_name, const char *client_name);
int rbd_mirror_peer_site_remove(rados_ioctx_t io_ctx, const char *uuid);
int rbd_mirror_peer_site_list(rados_ioctx_t io_ctx, rbd_mirror_peer_site_t *peers, int *max_peers);
void rbd_mirror_peer_site_list_cleanup(rbd_mirror_peer_site_t *peers, int max_peers);
int rbd_mirror_peer_site_set_client_name(rados_ioctx_t io_ctx, const char *uuid, const char *client_name);
int rbd_mirror_peer_site_set_name(rados_ioctx_t io_ctx, const char *uuid, const char *site_name);
int rbd_mirror_peer_site_get_attributes(rados_ioctx_t p, const char *uuid, char *keys, size_t *max_key_len,
    char *values, size_t *max_value_len, size_t *key_value_count);
int rbd_mirror_peer_site_set_attributes(rados_ioctx_t p, const char *uuid, const char *keys, const char *values,
    size_t key_value_count);
int rbd_mirror_image_global_status_list(rados_ioctx_t io_ctx, const char *start_id, size_t max, char **image_ids,
    rbd_mirror_image_global_status_t *images, size_t *len);
void rbd_mirror_image_global_status_list_cleanup(char **image_ids, rbd_mirror_image_global_status_t *images,
    size_t len);
int rbd_mirror_image_status_summary(rados_ioctx_t io_ctx, rbd_mirror_image_status_state_t *states, int *counts,
    size_t *maxlen);
int rbd_mirror_image_instance_id_list(rados_ioctx_t io_ctx, const char *start_id, size_t max, char **image_ids,
    char **instance_ids, size_t *len);
void rbd_mirror_image_instance_id_list_cleanup(char **image_ids, char **instance_ids, size_t len);
int rbd_mirror_image_info_list(rados_ioctx_t io_ctx, rbd_mirror_image_mode_t *mode_filter, const char *start_id,
    size_t max, char **image_ids, rbd_mirror_image_mode_t *mode_entries, rbd_mirror_image_info_t *info_entries,
    size_t *num_entries);
void rbd_mirror_image_info_list_cleanup(char **image_ids, rbd_mirror_image_info_t *info_entries, size_t num_entries);
int rbd_config_pool_list(rados_ioctx_t io_ctx, rbd_config_option_t *options, int *max_options);
void rbd_config_pool_list_cleanup(rbd_config_option_t *options, int max_options);
int rbd_config_image_list(rbd_image_t image, rbd_config_option_t *options, int *max_options);
void rbd_config_image_list_cleanup(rbd_config_option_t *options, int max_options);
int rbd_group_create(rados_ioctx_t p, const char *name);
int rbd_group_remove(rados_ioctx_t p, const char *name);
int rbd_group_list(rados_ioctx_t p, char *names, size_t *size);
int rbd_group_rename(rados_ioctx_t p, const char *src_name, const char *dest_name);
int rbd_group_image_add(rados_ioctx_t group_p, const char *group_name, rados_ioctx_t image_p, const char *image_name);
int rbd_group_image_remove(rados_ioctx_t group_p, const char *group_name, rados_ioctx_t image_p,
    const char *image_name);
int rbd_group_image_list(rados_ioctx_t group_p, const char *group_name, rbd_group_image_info_t *images,
    size_t group_image_info_size, size_t *num_entries);
int rbd_group_image_list_cleanup(rbd_group_image_info_t *images, size_t group_image_info_size, size_t num_entries);
int rbd_group_snap_create2(rados_ioctx_t group_p, const char *group_name, const char *snap_name, uint32_t flags);
int rbd_group_snap_remove(rados_ioctx_t group_p, const char *group_name, const char *snap_name);
int rbd_group_snap_rename(rados_ioctx_t group_p, const char *group_name, const char *old_snap_name,
    const char *new_snap_name);
int rbd_group_snap_list(rados_ioctx_t group_p, const char *group_name, rbd_group_snap_info_t *snaps,
    size_t group_snap_info_size, size_t *num_entries);
int rbd_group_snap_list_cleanup(rbd_group_snap_info_t *snaps, size_t group_snap_info_size, size_t num_entries);
int rbd_group_snap_rollback(rados_ioctx_t group_p, const char *group_name, const char *snap_name);
int rbd_pool_init(rados_ioctx_t io, bool force);
void rbd_pool_stats_create(rbd_pool_stats_t *stats);
void rbd_pool_stats_destroy(rbd_pool_stats_t stats);
int rbd_pool_stats_option_add_uint64(rbd_pool_stats_t stats, int stat_option, uint64_t* stat_val);
int rbd_pool_stats_get(rados_ioctx_t io, rbd_pool_stats_t stats);
int rbd_features_to_string(uint64_t features, char *str_features, size_t *size);
int rbd_features_from_string(const char *str_features, uint64_t *features);
int rbd_aio_open(rados_ioctx_t io, const char *name, rbd_image_t *image, const char *snap_name, rbd_completion_t c);
int rbd_aio_open_read_only(rados_ioctx_t io, const char *name, rbd_image_t *image, const char *snap_name,
    rbd_completion_t c);
int rbd_aio_open_by_id(rados_ioctx_t io, const char *id, rbd_image_t *image, const char *snap_name,
    rbd_completion_t c);
int rbd_aio_open_by_id_read_only(rados_ioctx_t io, const char *id, rbd_image_t *image, const char *snap_name,
    rbd_completion_t c);
int rbd_aio_close(rbd_image_t image, rbd_completion_t c);
int rbd_get_migration_source_spec(rbd_image_t image, char* source_spec, size_t* max_len);
int rbd_get_group(rbd_image_t image, rbd_group_info_t *group_info, size_t group_info_size);
int rbd_group_info_cleanup(rbd_group_info_t *group_info, size_t group_info_size);
int rbd_is_exclusive_lock_owner(rbd_image_t image, int *is_owner);
int rbd_snap_remove_by_id(rbd_image_t image, uint64_t snap_id);
int rbd_snap_get_limit(rbd_image_t image, uint64_t *limit);
int rbd_snap_set_limit(rbd_image_t image, uint64_t limit);
int rbd_snap_set_by_id(rbd_image_t image, uint64_t snap_id);
int rbd_snap_get_name(rbd_image_t image, uint64_t snap_id, char *snapname, size_t *name_len);
int rbd_snap_get_id(rbd_image_t image, const char *snapname, uint64_t *snap_id);
ssize_t rbd_write_zeroes(rbd_image_t image, uint64_t ofs, size_t len, int zero_flags, int op_flags);
int rbd_invalidate_cache(rbd_image_t image);
int rbd_get_access_timestamp(rbd_image_t image, struct timespec *timestamp);
int rbd_get_modify_timestamp(rbd_image_t image, struct timespec *timestamp);
int rbd_flatten_with_progress(rbd_image_t image, librbd_progress_fn_t cb, void *cbdata);
int rbd_sparsify(rbd_image_t image, size_t sparse_size);
int rbd_list_descendants(rbd_image_t image, rbd_linked_image_spec_t *images, size_t *max_images);
int rbd_lock_acquire(rbd_image_t image, rbd_lock_mode_t lock_mode);
int rbd_lock_release(rbd_image_t image);
int rbd_lock_get_owners(rbd_image_t image, rbd_lock_mode_t *lock_mode, char **lock_owners, size_t *max_lock_owners);
void rbd_lock_get_owners_cleanup(char **lock_owners, size_t lock_owner_count);
int rbd_lock_break(rbd_image_t image, rbd_lock_mode_t lock_mode, const char *lock_owner);
int rbd_mirror_image_enable2(rbd_image_t image, rbd_mirror_image_mode_t mode);
int rbd_mirror_image_disable(rbd_image_t image, bool force);
int rbd_mirror_image_promote(rbd_image_t image, bool force);
int rbd_mirror_image_demote(rbd_image_t image);
int rbd_mirror_image_resync(rbd_image_t image);
int rbd_mirror_image_create_snapshot2(rbd_image_t image, uint32_t flags, uint64_t *snap_id);
int rbd_aio_mirror_image_create_snapshot(rbd_image_t image, uint32_t flags, uint64_t *snap_id, rbd_completion_t c);
int rbd_mirror_image_get_info(rbd_image_t image, rbd_mirror_image_info_t *mirror_image_info, size_t info_size);
void rbd_mirror_image_get_info_cleanup(rbd_mirror_image_info_t *mirror_image_info);
int rbd_aio_mirror_image_get_info(rbd_image_t image, rbd_mirror_image_info_t *mirror_image_info, size_t info_size,
    rbd_completion_t c);
int rbd_mirror_image_get_mode(rbd_image_t image, rbd_mirror_image_mode_t *mode);
int rbd_aio_mirror_image_get_mode(rbd_image_t image, rbd_mirror_image_mode_t *mode, rbd_completion_t c);
int rbd_mirror_image_get_global_status(rbd_image_t image, rbd_mirror_image_global_status_t *mirror_image_global_status,
    size_t status_size);
void rbd_mirror_image_global_status_cleanup(rbd_mirror_image_global_status_t *mirror_image_global_status);
int rbd_mirror_image_get_instance_id(rbd_image_t image, char *instance_id, size_t *id_max_length);
int rbd_aio_discard(rbd_image_t image, uint64_t off, uint64_t len, rbd_completion_t c);
int rbd_aio_write_zeroes(rbd_image_t image, uint64_t off, size_t len, rbd_completion_t c, int zero_flags,
    int op_flags);
int rbd_aio_flush(rbd_image_t image, rbd_completion_t c);
int rbd_snap_get_group_namespace(rbd_image_t image, uint64_t snap_id, rbd_snap_group_namespace_t *group_snap,
    size_t group_snap_size);
int rbd_snap_group_namespace_cleanup(rbd_snap_group_namespace_t *group_snap, size_t group_snap_size);
int rbd_snap_get_trash_namespace(rbd_image_t image, uint64_t snap_id, char* original_name, size_t max_length);
int rbd_snap_get_mirror_namespace(rbd_image_t image, uint64_t snap_id, rbd_snap_mirror_namespace_t *mirror_snap,
    size_t mirror_snap_size);
int rbd_snap_mirror_namespace_cleanup(rbd_snap_mirror_namespace_t *mirror_snap, size_t mirror_snap_size);
int rbd_encryption_format(rbd_image_t image, rbd_encryption_format_t format, rbd_encryption_options_t opts,
    size_t opts_size);
int rbd_encryption_load(rbd_image_t image, rbd_encryption_format_t format, rbd_encryption_options_t opts,
    size_t opts_size);
"""
