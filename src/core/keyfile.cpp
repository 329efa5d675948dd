/*
 * api_auth core: the API key file (SPEC.md "Key file"): its lines and
 * the table of their digests.
 *
 * Read once per configuration load, so this file may allocate and keeps
 * its error reasons precise: nginx -t prints them with the line number.
 * A reason may quote a name, an option or a date, but never the hash or
 * a field that could be a pasted key; quoted text is escaped and cut
 * (key_quoted).
 */

#include <string>
#include <unordered_set>
#include <utility>

#include "encoding.hpp"
#include "keyfile_parse.hpp"

namespace api_auth {

static constexpr std::string_view  hash_prefix = "sha256:";


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
    if (name.size() > max_key_name_len) {
        reason = "name longer than " + std::to_string(max_key_name_len)
                 + " characters";
        return false;
    }

    /*
     * Name the offending byte, not the field: a key pasted in front of
     * its hash is not a valid name either (base64 has '+', '/' and '=').
     */
    bad = name.find_first_not_of(key_name_chars);

    if (bad != std::string_view::npos) {
        reason = "invalid name: byte " + key_quoted(name.substr(bad, 1))
                 + " at position " + std::to_string(bad + 1)
                 + " (names are made of A-Z a-z 0-9 . _ -)";
        return false;
    }

    if (names.count(name)) {
        reason = "duplicate name " + key_quoted(name);
        return false;
    }

    if (hash.substr(0, hash_prefix.size()) != hash_prefix
        || !hex_decode_lower(hash.substr(hash_prefix.size()), e.hash.data(),
                             e.hash.size()))
    {
        reason = "invalid hash for " + key_quoted(name)
                 + ": expected sha256: and 64 lowercase hex digits";
        return false;
    }

    e.name.assign(name.data(), name.size());
    e.subject = e.name;
    e.scope.clear();
    e.tier.clear();
    e.not_after = 0;

    return key_parse_options(fields, e, reason);
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
                         + key_quoted(dup->second.name) + ")";
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
