/*
 * Test keys and tokens for check_jwt.cpp and check_jwk.cpp, made at run
 * time with OpenSSL: no private key is committed.  jose_keys_setup() is
 * an unchecked fixture, so the keys are generated once, in the runner,
 * before Check forks each test.
 */

#ifndef API_AUTH_UNIT_JOSE_HPP
#define API_AUTH_UNIT_JOSE_HPP

#include <string>
#include <string_view>

#include <openssl/evp.h>

enum class test_key { rsa2048, rsa1024, p256, p384, p521, ed25519, rsa_b };

void jose_keys_setup(void);
EVP_PKEY *jose_key(test_key k);

/* base64url of bytes, no padding */
std::string b64u(std::string_view bytes);

/* the key's public JWK members, e.g. "\"kty\":\"RSA\",\"n\":...,\"e\":..." */
std::string jwk_members(EVP_PKEY *key);

/* {"keys":[ {members...} ]} of one key with extra members (", ..." form) */
std::string jwks_of(EVP_PKEY *key, std::string_view extra = "");

/* SubjectPublicKeyInfo PEM, and a self-signed certificate PEM */
std::string pem_of(EVP_PKEY *key);
std::string cert_pem_of(EVP_PKEY *key);

/*
 * The raw JWS signature of input for alg name (RS*, PS*, ES* as r||s,
 * EdDSA/Ed25519); pss_salt is the PS* salt length (-1: the hash length).
 */
std::string jws_sign(EVP_PKEY *key, std::string_view alg,
                     std::string_view input, int pss_salt = -1);

/* b64u(header).b64u(payload).b64u(signature) */
std::string jws_make(EVP_PKEY *key, std::string_view alg,
                     std::string_view header, std::string_view payload,
                     int pss_salt = -1);

/* b64u(header).b64u(payload).sig, sig already encoded */
std::string jws_compose(std::string_view header, std::string_view payload,
                        std::string_view sig = "c2ln");

#endif
