// OpenSSL 3 (Debian libssl-dev). Several entry points are macros that Swift cannot import;
// the static inline wrappers below give them a callable form.
#ifndef SWITCHYARD_COPENSSL_H
#define SWITCHYARD_COPENSSL_H
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/bio.h>

static inline long copenssl_set_tlsext_host_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}
static inline long copenssl_ctx_set_min_proto_version(SSL_CTX *ctx, int version) {
    return SSL_CTX_set_min_proto_version(ctx, version);
}
static inline long copenssl_ctx_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}
static inline size_t copenssl_bio_pending(BIO *bio) { return BIO_ctrl_pending(bio); }
static inline int copenssl_tls1_2_version(void) { return TLS1_2_VERSION; }
static inline int copenssl_tlsext_err_ok(void) { return SSL_TLSEXT_ERR_OK; }
static inline int copenssl_tlsext_err_noack(void) { return SSL_TLSEXT_ERR_NOACK; }
#endif
