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
#include "json.hpp"

namespace api_auth {

namespace {

struct free_deleter {
    void operator()(char *p) const noexcept { std::free(p); }
};

using malloc_ptr = std::unique_ptr<char, free_deleter>;

}  // namespace


status
json_object_load(std::string_view text, json_ptr &out) noexcept
{
    json_error_t  err;

    out.reset(json_loadb(text.data(), text.size(), JSON_REJECT_DUPLICATES,
                         &err));

    if (out != nullptr && json_is_object(out.get())) {
        return status::ok;
    }

    if (out == nullptr
        && json_error_code(&err) == json_error_out_of_memory)
    {
        return status::internal;
    }

    out.reset();
    return status::malformed;
}


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

}  // namespace api_auth
