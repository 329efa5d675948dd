/*
 * api_auth core: RFC 7638 JWK thumbprints: SHA-256 of the key's required
 * members (RFC 7638 §3.2), in lexicographic order, without whitespace,
 * base64url without padding.  The members are written from the decoded
 * parameters, so a JWK and a PEM key of the same public key get the same
 * thumbprint whatever order or encoding their source used.
 */

#include "digest.hpp"
#include "jwk_internal.hpp"

namespace api_auth {

/* RFC 7518 §6.2.1.1, RFC 8037 §2 "crv" values, by jwk_curve */
static constexpr std::string_view  curve_names[] = {
    "", "P-256", "P-384", "P-521", "Ed25519"
};


/* appends "name":"base64url(v)" */
static void
member(std::string &j, std::string_view name, const uint8_t *v, size_t n)
{
    size_t  at;

    j.append("\"").append(name).append("\":\"");
    at = j.size();
    j.resize(at + base64url_encoded_len(n));
    (void) base64url_encode(v, n, &j[at]);
    j.append("\"");
}


static void
thumbprint(const std::string &members, std::string &out)
{
    digest  d;
    char    b[base64url_encoded_len(sizeof(digest))];

    sha256(members.data(), members.size(), d);
    out.assign(b, base64url_encode(d.data(), d.size(), b));
}


void
jwk_thumbprint_rsa(const uint8_t *e, size_t e_len, const uint8_t *n,
                   size_t n_len, std::string &out)
{
    std::string  j = "{";

    member(j, "e", e, e_len);
    j.append(",\"kty\":\"RSA\",");
    member(j, "n", n, n_len);
    j.append("}");
    thumbprint(j, out);
}


void
jwk_thumbprint_curve(jwk_curve crv, const uint8_t *x, const uint8_t *y,
                     size_t len, std::string &out)
{
    std::string  j;

    j.assign("{\"crv\":\"")
        .append(curve_names[static_cast<size_t>(crv)])
        .append("\",");
    j.append(y != nullptr ? "\"kty\":\"EC\"," : "\"kty\":\"OKP\",");
    member(j, "x", x, len);

    if (y != nullptr) {
        j.append(",");
        member(j, "y", y, len);
    }

    j.append("}");
    thumbprint(j, out);
}

}  // namespace api_auth
