/*
 * api_auth core: the claims record of a verified JWT (json.hpp
 * jwt_record), by the same rules as an introspection answer's
 * (json.cpp).
 */

#include "claims.hpp"
#include "encoding.hpp"
#include "json.hpp"
#include "jwt.hpp"

namespace api_auth {

/* the payload after parse_jwt() accepted it; throws std::bad_alloc */
static status
jwt_payload_record(const jwt &tok, std::string &record)
{
    size_t        n;
    json_t       *aud;
    std::string   text, buf;

    static constexpr std::string_view  identity[] = { "sub", "scope", "aud" };

    std::string_view  in = tok.signing_input.substr(
                               tok.signing_input.find('.') + 1);

    buf.resize(base64url_decoded_max(in.size()));

    if (base64url_decode(in, reinterpret_cast<uint8_t *>(&buf[0]), n)
        != status::ok)
    {
        return status::malformed;
    }

    json_ptr  root;
    status    rc = json_object_load(std::string_view(buf.data(), n), root);

    if (rc != status::ok) {
        return rc;
    }

    /* identity first, so that it survives the record's size bound */
    (void) claims_append(record, jwt_mark, tok.client);
    (void) claims_append(record, "sub", tok.subject);
    (void) claims_append(record, "scope", tok.scope);

    aud = json_object_get(root.get(), "aud");

    if (aud != nullptr) {
        audience_text(aud, text);
        (void) claims_append(record, "aud", text, claim_kind::list);
    }

    append_claims(root.get(), record, string_list{ identity, 3 });

    return status::ok;
}


status
jwt_record(const jwt &tok, std::string &record) noexcept
{
    status  rc;

    record.clear();

    try {
        rc = jwt_payload_record(tok, record);

    } catch (...) {
        /* std::bad_alloc: nothing else is thrown on this path */
        rc = status::internal;
    }

    if (rc != status::ok) {
        record.clear();
    }

    return rc;
}

}  // namespace api_auth
