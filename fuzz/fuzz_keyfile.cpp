/*
 * The API key file (keyfile.hpp): key_table::load on arbitrary text, and
 * parse_rfc3339_utc on the input's first line.  Properties:
 *   - a failed load leaves the table empty and names a line of the file;
 *     its reason never holds 64 hex digits in a row (a hash, or a hex key
 *     pasted into the file);
 *   - after a successful load every key line's hash finds its entry, under
 *     its name, and nothing else is in the table;
 *   - an accepted date lies between 1970 and 9999-12-31T23:59:60Z.
 */

#include <algorithm>
#include <string>
#include <vector>

#include "fuzz.hpp"
#include "keyfile.hpp"

using namespace api_auth;

static bool
has_hex_run(std::string_view s, size_t len)
{
    size_t  run = 0;

    for (char c : s) {
        run = ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
               || (c >= 'A' && c <= 'F')) ? run + 1 : 0;

        if (run >= len) {
            return true;
        }
    }

    return false;
}


/* SP/HTAB-separated fields; quotes are left to load() (see below) */
static std::vector<std::string_view>
fields(std::string_view line)
{
    std::vector<std::string_view>  f;
    size_t                         i = 0, start;

    while (i < line.size()) {
        for (start = i; i < line.size() && line[i] != ' ' && line[i] != '\t';
             i++)
        { /* void */ }

        if (i > start) {
            f.push_back(line.substr(start, i - start));
        }

        i++;
    }

    return f;
}


/*
 * A loaded file: NAME and HASH can hold neither quotes nor blanks, so the
 * first two blank-separated fields of each key line are exactly those.
 */
static void
check_loaded(std::string_view text, const key_table &t)
{
    size_t  pos, end, keys = 0;
    digest  d;

    if (text.substr(0, 3) == "\xef\xbb\xbf") {
        text.remove_prefix(3);
    }

    for (pos = 0; pos < text.size(); pos = end + 1) {
        end = text.find('\n', pos);
        end = (end == std::string_view::npos) ? text.size() : end;

        std::string_view  line = text.substr(pos, end - pos);

        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }

        auto  f = fields(line);

        if (f.empty() || f[0][0] == '#') {
            continue;
        }

        FUZZ_CHECK(f.size() >= 2 && f[1].substr(0, 7) == "sha256:");
        FUZZ_CHECK(hex_decode_lower(f[1].substr(7), d.data(), d.size()));

        const key_entry  *e = t.find(d);

        FUZZ_CHECK(e != nullptr && e->name == f[0] && e->hash == d);
        FUZZ_CHECK(!e->subject.empty() && e->not_after >= 0);
        FUZZ_CHECK(e->scope.find("  ") == std::string::npos);
        keys++;
    }

    FUZZ_CHECK(t.size() == keys);
}


static void
date(std::string_view s)
{
    int64_t  t = -1;

    if (parse_rfc3339_utc(s, t)) {
        /* 9999-12-31T23:59:60Z */
        FUZZ_CHECK(t >= 0 && t <= 253402300800);
        FUZZ_CHECK(s.size() >= 20 && (s.back() == 'Z' || s.back() == 'z'));
    }
}


extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    std::string_view  in = fuzz_input(data, size);
    key_table         t;
    key_load_error    err;

    date(in.substr(0, in.find('\n')));

    if (t.load(in, err)) {
        FUZZ_CHECK(err.line == 0);
        check_loaded(in, t);

    } else {
        FUZZ_CHECK(t.size() == 0 && !err.reason.empty());
        FUZZ_CHECK(err.line >= 1
                   && err.line <= static_cast<size_t>(
                          std::count(in.begin(), in.end(), '\n')) + 1);
        FUZZ_CHECK(!has_hex_run(err.reason, 64));
    }

    /* a table is reloaded in place on nginx -s reload */
    if (t.load("a sha256:" + std::string(64, '0'), err)) {
        FUZZ_CHECK(t.size() == 1);
    }

    return 0;
}
