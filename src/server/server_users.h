/* server_users.h — the users file: who may AUTH, with which password.
 *
 * A text file of "name:hash" lines ('#' comments), where hash is libsodium's
 * crypto_pwhash_str() (Argon2id, with its cost and salt inside the string).
 * skyd loads it once at start and verifies AUTH requests against it on its
 * worker threads (verification is deliberately slow); sky-user edits it by
 * rewriting the whole file atomically (temp file, fsync, rename). Passwords
 * are never stored or logged; an unknown user costs one verification
 * against a dummy hash so that timing does not tell which names exist.
 */
#ifndef SKY_SERVER_SERVER_USERS_H
#define SKY_SERVER_SERVER_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct skyd_users skyd_users;

/* Loads `path`. The dummy hash for unknown users is made with the given
 * cost. Returns 0, or -1 with a message naming the file and line. */
int skyd_users_load(const char *path, uint64_t kdf_ops, uint64_t kdf_mem, skyd_users **out, char *err,
                    size_t err_len);
void skyd_users_free(skyd_users *u);
size_t skyd_users_count(const skyd_users *u);
/* Users whose hash was made with another cost than (ops, mem). */
size_t skyd_users_stale(const skyd_users *u, uint64_t kdf_ops, uint64_t kdf_mem);
/* True when `password` is the user's. Thread-safe; slow by design. */
bool skyd_users_verify(const skyd_users *u, const char *user, size_t user_len, const char *password,
                       size_t password_len);

/* User names: 1..64 of [A-Za-z0-9_.@-]. */
bool skyd_user_name_valid(const char *name, size_t len);
/* Passwords: 1..1024 bytes, no line end, NUL, or leading blank (AUTH
 * could not carry them). NULL when valid, else the reason. */
const char *skyd_password_problem(const char *password, size_t len);
/* Hashes a password with the given cost into `out` (crypto_pwhash_STRBYTES
 * bytes, NUL-terminated). Returns 0, or -1 (out of memory). */
int skyd_users_hash(const char *password, size_t len, uint64_t kdf_ops, uint64_t kdf_mem, char *out);
/* Adds the user, or replaces its hash. Creates the file (mode 0600). */
int skyd_users_file_put(const char *path, const char *user, const char *hash, char *err, size_t err_len);
/* Removes the user: 1 removed, 0 no such user, -1 error. */
int skyd_users_file_del(const char *path, const char *user, char *err, size_t err_len);

#endif
