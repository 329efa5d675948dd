/*
 * api_auth core: the options of a key file line (SPEC.md "Key file"):
 * scope=, subject=, not_after= and tier=, each at most once, any value
 * "quoted"; and the quoting of text in an error reason.
 */

#include <algorithm>
#include <string>

#include "encoding.hpp"
#include "keyfile_parse.hpp"

namespace api_auth {

/* short enough that no reason can carry a whole hex key or hash */
static constexpr size_t            max_quoted_len = 32;
static constexpr std::string_view  option_chars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_";
static constexpr std::string_view  options[] = {
    "scope", "subject", "not_after", "tier"
};
static constexpr size_t            n_options = sizeof(options)
                                               / sizeof(options[0]);


std::string
key_quoted(std::string_view s)
{
    std::string  q = "\"";

    for (size_t i = 0; i < s.size() && i < max_quoted_len; i++) {
        unsigned char  c = static_cast<unsigned char>(s[i]);

        if (c < 0x20 || c > 0x7e) {
            q += { '\\', 'x', hex_lower(c >> 4), hex_lower(c) };

        } else {
            q += (c == '"' || c == '\\') ? "\\" : "";
            q += static_cast<char>(c);
        }
    }

    return q + (s.size() > max_quoted_len ? "...\"" : "\"");
}


/*
 * Option values are visible ASCII; a quoted one may also hold spaces
 * (a bare one cannot: a space ends the field).  RFC 6749 §3.3 scope-token
 * also excludes '\' (and '"', which never reaches here).
 */
static bool
valid_value(std::string_view v, bool scope) noexcept
{
    for (unsigned char c : v) {
        if (c < 0x20 || c > 0x7e || (scope && c == '\\')) {
            return false;
        }
    }

    return scope || !v.empty();
}


/* scope: tokens separated by runs of spaces, stored with single ones */
static void
normalize_scope(std::string_view v, std::string &out)
{
    out.clear();

    for (size_t i = 0; i < v.size(); i++) {
        if (v[i] != ' ') {
            out += (!out.empty() && v[i - 1] == ' ') ? " " : "";
            out += v[i];
        }
    }
}


/* sets option k from its unquoted value v; false if v is invalid */
static bool
set_option(size_t k, std::string_view v, key_entry &e)
{
    /* tier=: a rate-limit class, with the syntax of a NAME */
    if (k == 3) {
        if (v.empty() || v.size() > max_key_name_len
            || v.find_first_not_of(key_name_chars) != std::string_view::npos)
        {
            return false;
        }

        e.tier.assign(v.data(), v.size());
        return true;
    }

    if (k == 2) {
        if (!parse_rfc3339_utc(v, e.not_after)) {
            return false;
        }

        /* 0 would mean "never expires"; the epoch itself is long past */
        e.not_after = std::max<int64_t>(e.not_after, 1);
        return true;
    }

    if (!valid_value(v, k == 0)) {
        return false;
    }

    if (k == 0) {
        normalize_scope(v, e.scope);

    } else {
        e.subject.assign(v.data(), v.size());
    }

    return true;
}


bool
key_parse_options(const fields_t &fields, key_entry &e, std::string &reason)
{
    bool              seen[n_options] = {};
    size_t            eq, k;
    std::string_view  opt, v;

    for (size_t f = 2; f < fields.size(); f++) {
        eq = fields[f].find('=');

        /*
         * Echo only what looks like an option name: a field of another
         * shape may be a pasted key (a base64 key can contain '=').
         */
        if (eq == std::string_view::npos || eq == 0 || eq > 32
            || fields[f].find_first_not_of(option_chars) < eq)
        {
            reason = "invalid option in field " + std::to_string(f + 1)
                     + ": expected name=value";
            return false;
        }

        opt = fields[f].substr(0, eq);
        v = fields[f].substr(eq + 1);

        for (k = 0; k < n_options && options[k] != opt; k++) { /* void */ }

        if (k == n_options || seen[k]) {
            reason = (k == n_options ? "unknown option "
                                     : "duplicate option ")
                     + key_quoted(opt);
            return false;
        }

        seen[k] = true;

        /* any value may be "quoted"; a '"' anywhere else is an error */
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"'
            && v.find('"', 1) == v.size() - 1)
        {
            v = v.substr(1, v.size() - 2);
        }

        if (v.find('"') != std::string_view::npos || !set_option(k, v, e)) {
            reason = "invalid " + std::string(opt) + " " + key_quoted(v)
                     + (k == 2 ? ": bad date"
                        : k == 3 ? " (1-64 of A-Z a-z 0-9 . _ -)" : "");
            return false;
        }
    }

    return true;
}

}  // namespace api_auth
