/*
 * api_auth core: JSON values as claims record text (claims.hpp).
 *
 * Claims end up in variables that may go into proxy_set_header: a
 * control byte (CR, LF, NUL, ...) from an authorization server or a token
 * must not split an upstream request header, so every text is cleaned.
 */

#include <charconv>
#include <cstdlib>
#include <new>

#include "claims.hpp"
#include "encoding.hpp"
#include "json.hpp"
#include "jwt.hpp"

namespace api_auth {

namespace {

struct free_deleter {
    void operator()(char *p) const noexcept { std::free(p); }
};

using malloc_ptr = std::unique_ptr<char, free_deleter>;

}  // namespace


std::string_view
json_text(json_t *v) noexcept
{
    if (!json_is_string(v)) {
        return std::string_view();
    }

    return std::string_view(json_string_value(v), json_string_length(v));
}


bool
is_string_list(json_t *v) noexcept
{
    size_t   i;
    json_t  *e;

    json_array_foreach(v, i, e) {
        if (!json_is_string(e)) {
            return false;
        }
    }

    return json_is_string(v) || json_is_array(v);
}


bool
json_holds(json_t *v, string_list values) noexcept
{
    size_t   i;
    json_t  *e;

    auto  one = [values](json_t *s) noexcept {
        for (std::string_view want : values) {
            if (json_is_string(s) && json_text(s) == want) {
                return true;
            }
        }

        return false;
    };

    if (json_is_array(v)) {
        json_array_foreach(v, i, e) {
            if (one(e)) {
                return true;
            }
        }

        return false;
    }

    return one(v);
}


/*
 * Integers, and reals in their shortest form that reads back as the same
 * double; std::to_chars never uses the locale's decimal separator.
 */
template <typename T>
static void
number_text(T n, std::string &text)
{
    char  buf[32];
    auto  r = std::to_chars(buf, buf + sizeof(buf), n);

    text.assign(buf, r.ptr);
}


static void
clean(std::string &text) noexcept
{
    for (char &c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            c = ' ';
        }
    }
}


/* an array element that survives space-joining: no SP, no control byte */
static bool
is_list_value(std::string_view s) noexcept
{
    for (unsigned char c : s) {
        if (c <= 0x20 || c == 0x7f) {
            return false;
        }
    }

    return !s.empty();
}


bool
claim_text(json_t *v, std::string &text, claim_kind &kind)
{
    size_t   i;
    json_t  *e;

    text.clear();
    kind = claim_kind::other;

    if (json_is_string(v)) {
        text.assign(json_text(v));
        kind = claim_kind::text;

    } else if (json_is_integer(v)) {
        number_text(json_integer_value(v), text);

    } else if (json_is_real(v)) {
        number_text(json_real_value(v), text);

    } else if (json_is_boolean(v)) {
        text = json_is_true(v) ? "true" : "false";

    } else if (json_is_array(v) && is_string_list(v)) {
        kind = claim_kind::list;

        json_array_foreach(v, i, e) {
            text.append(i > 0 ? " " : "");
            text.append(json_text(e));

            if (!is_list_value(json_text(e))) {
                /* the joined text would not split back into the array */
                kind = claim_kind::other;
            }
        }

    } else if (!json_is_null(v)) {
        /* objects and mixed arrays: compact JSON text */
        malloc_ptr  dump(json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY));

        if (dump == nullptr) {
            throw std::bad_alloc();
        }

        text.assign(dump.get());
    }

    clean(text);

    return !json_is_null(v);
}


void
audience_text(json_t *v, std::string &text)
{
    size_t   i;
    json_t  *e;

    auto  add = [&text](json_t *s) {
        std::string_view  a = json_text(s);

        if (is_list_value(a)) {
            text.append(text.empty() ? "" : " ");
            text.append(a.data(), a.size());
        }
    };

    text.clear();

    if (json_is_string(v)) {
        add(v);
    }

    json_array_foreach(v, i, e) {
        add(e);
    }
}


void
append_claims(json_t *object, std::string &record, string_list skip)
{
    bool          skipped;
    json_t       *v;
    const char   *name;
    std::string   text;
    claim_kind    kind;

    json_object_foreach(object, name, v) {
        skipped = (*name == '\0');

        for (std::string_view s : skip) {
            skipped = skipped || s == name;
        }

        if (!skipped && claim_text(v, text, kind)) {
            (void) claims_append(record, name, text, kind);
        }
    }
}


/* the payload after parse_jwt() accepted it; throws std::bad_alloc */
static status
jwt_payload_record(const jwt &tok, std::string &record)
{
    size_t        n;
    json_t       *aud;
    std::string   text, buf;
    json_error_t  err;

    static constexpr std::string_view  identity[] = { "sub", "scope", "aud" };

    std::string_view  in = tok.signing_input.substr(
                               tok.signing_input.find('.') + 1);

    buf.resize(base64url_decoded_max(in.size()));

    if (base64url_decode(in, reinterpret_cast<uint8_t *>(&buf[0]), n)
        != status::ok)
    {
        return status::malformed;
    }

    json_ptr  root(json_loadb(buf.data(), n, JSON_REJECT_DUPLICATES, &err));

    if (!json_is_object(root.get())) {
        return root == nullptr
               && json_error_code(&err) == json_error_out_of_memory
               ? status::internal : status::malformed;
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
