/*
 * api_auth core: the API key file (SPEC.md "Key file").
 *
 * Read once per configuration load, so this file may allocate and keeps
 * its error reasons precise: nginx -t prints them with the line number.
 * A reason may quote a name, an option or a date, but never the hash or
 * a field that could be a pasted key; quoted text is escaped and cut.
 */

#include <algorithm>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "encoding.hpp"
#include "keyfile.hpp"

namespace api_auth {

using fields_t = std::vector<std::string_view>;

static constexpr size_t            max_name_len = 64;
/* short enough that no reason can carry a whole hex key or hash */
static constexpr size_t            max_quoted_len = 32;
static constexpr std::string_view  hash_prefix = "sha256:";
static constexpr std::string_view  name_chars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";
static constexpr std::string_view  option_chars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_";
static constexpr std::string_view  options[] = {
    "scope", "subject", "not_after", "tier"
};
static constexpr size_t            n_options = sizeof(options)
                                               / sizeof(options[0]);


/* "value" for a reason: '"' and '\' escaped, other bytes as \xHH */
static std::string
quoted(std::string_view s)
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
 * Splits a line into fields separated by runs of SP or HTAB.  A '"'
 * opens a quoted section that may hold spaces (scope="a b").  A field
 * that starts with '#' begins a comment that runs to the end of the line.
 */
static bool
split_fields(std::string_view line, fields_t &fields, std::string &reason)
{
    size_t  i = 0, start;

    for ( ;; ) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
            i++;
        }

        if (i == line.size() || line[i] == '#') {
            return true;
        }

        for (start = i; i < line.size() && line[i] != ' ' && line[i] != '\t';
             i++)
        {
            if (line[i] == '"') {
                i = line.find('"', i + 1);

                if (i == std::string_view::npos) {
                    reason = "unterminated quote";
                    return false;
                }
            }
        }

        fields.push_back(line.substr(start, i - start));
    }
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
        if (v.empty() || v.size() > max_name_len
            || v.find_first_not_of(name_chars) != std::string_view::npos)
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


/* NAME=VALUE options after the hash; fills e or sets reason */
static bool
parse_options(const fields_t &fields, key_entry &e, std::string &reason)
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
                     + quoted(opt);
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
            reason = "invalid " + std::string(opt) + " " + quoted(v)
                     + (k == 2 ? ": bad date"
                        : k == 3 ? " (1-64 of A-Z a-z 0-9 . _ -)" : "");
            return false;
        }
    }

    return true;
}


/* one non-empty line into e; the caller checks for duplicate hashes */
static bool
parse_line(const fields_t &fields,
           const std::unordered_set<std::string_view> &names, key_entry &e,
           std::string &reason)
{
    std::string_view  name = fields[0];
    std::string_view  hash = fields.size() > 1 ? fields[1] : "";
    size_t            bad;

    /*
     * A lone field may be a key pasted by mistake: do not echo it, and
     * check this first, whatever its shape (a base64 or long hex key is
     * not a valid name, and the name checks below quote the field).
     */
    if (fields.size() < 2) {
        reason = "missing hash after the name";
        return false;
    }

    /* an over-long first field is more likely a key than a name */
    if (name.size() > max_name_len) {
        reason = "name longer than " + std::to_string(max_name_len)
                 + " characters";
        return false;
    }

    /*
     * Name the offending byte, not the field: a key pasted in front of
     * its hash is not a valid name either (base64 has '+', '/' and '=').
     */
    bad = name.find_first_not_of(name_chars);

    if (bad != std::string_view::npos) {
        reason = "invalid name: byte " + quoted(name.substr(bad, 1))
                 + " at position " + std::to_string(bad + 1)
                 + " (names are made of A-Z a-z 0-9 . _ -)";
        return false;
    }

    if (names.count(name)) {
        reason = "duplicate name " + quoted(name);
        return false;
    }

    if (hash.substr(0, hash_prefix.size()) != hash_prefix
        || !hex_decode_lower(hash.substr(hash_prefix.size()), e.hash.data(),
                             e.hash.size()))
    {
        reason = "invalid hash for " + quoted(name)
                 + ": expected sha256: and 64 lowercase hex digits";
        return false;
    }

    e.name.assign(name.data(), name.size());
    e.subject = e.name;
    e.scope.clear();
    e.tier.clear();
    e.not_after = 0;

    return parse_options(fields, e, reason);
}


bool
key_table::load(std::string_view text, key_load_error &err)
{
    size_t                                pos, end;
    key_entry                             e;
    fields_t                              fields;
    std::string_view                      line;
    std::unordered_set<std::string_view>  names;
    decltype(keys_)                       keys;

    keys_.clear();
    err.line = 0;
    err.reason.clear();

    /* a UTF-8 byte order mark, as some editors write it */
    if (text.substr(0, 3) == "\xef\xbb\xbf") {
        text.remove_prefix(3);
    }

    for (pos = 0; pos < text.size(); pos = end + 1) {
        end = text.find('\n', pos);
        end = (end == std::string_view::npos) ? text.size() : end;

        line = text.substr(pos, end - pos);

        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }

        err.line++;
        fields.clear();

        if (!split_fields(line, fields, err.reason)) {
            return false;
        }

        if (fields.empty()) {
            continue;
        }

        if (!parse_line(fields, names, e, err.reason)) {
            return false;
        }

        auto  dup = keys.find(e.hash);

        if (dup != keys.end()) {
            err.reason = "duplicate hash (same key as "
                         + quoted(dup->second.name) + ")";
            return false;
        }

        names.insert(fields[0]);
        keys.emplace(e.hash, std::move(e));
    }

    err.line = 0;
    keys_.swap(keys);

    return true;
}


const key_entry *
key_table::find(const digest &d) const noexcept
{
    /*
     * The bucket walk depends on the digest, not on the key, and digests
     * of random keys give nothing away; the final equality test is
     * digest_equal() (constant time) through digest_eq.
     */
    auto  it = keys_.find(d);

    return it == keys_.end() ? nullptr : &it->second;
}

}  // namespace api_auth
