# -*- coding: utf-8 -*-
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Declarations from Debian's librados-dev/librbd-dev 16.2 headers, for cffi's ABI mode.

Structs are declared exactly as in the headers. Not imported at run time: ``scripts/gen_rbd_ffi.py``
compiles these into ``_ffi_tables.py``, which loads without parsing C (a unit test keeps the two in step).
"""

RADOS_CDEF = """
typedef void *rados_t;
typedef void *rados_ioctx_t;
void rados_version(int *major, int *minor, int *extra);
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

void rbd_version(int *major, int *minor, int *extra);
void rbd_image_options_create(rbd_image_options_t* opts);
void rbd_image_options_destroy(rbd_image_options_t opts);
int rbd_image_options_set_uint64(rbd_image_options_t opts, int optname, uint64_t optval);
int rbd_image_options_set_string(rbd_image_options_t opts, int optname, const char* optval);
int rbd_list2(rados_ioctx_t io, rbd_image_spec_t* images, size_t *max_images);
void rbd_image_spec_list_cleanup(rbd_image_spec_t *images, size_t num_images);
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
ssize_t rbd_list_lockers(rbd_image_t image, int *exclusive, char *tag, size_t *tag_len, char *clients, size_t *clients_len,
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
"""
