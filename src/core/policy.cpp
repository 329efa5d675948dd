/*
 * api_auth core: authorization policy and cache arithmetic.  Pure
 * functions of their arguments, no allocation; only building a
 * scope_implications table (configuration time) allocates.
 */

#include <algorithm>
#include <limits>

#include "policy.hpp"

namespace api_auth {

/*
 * Calls f(token) for each token of a space-delimited list until f returns
 * true; returns whether it did.  RFC 6749 §3.3 delimits with one space;
 * runs of spaces (and leading or trailing ones) are tolerated because
 * nginx directives and key files are written by hand.
 */
template <typename F>
static bool
any_token(std::string_view list, F f) noexcept
{
    size_t  i, start;

    i = 0;

    while (i < list.size()) {
        while (i < list.size() && list[i] == ' ') {
            i++;
        }

        start = i;

        while (i < list.size() && list[i] != ' ') {
            i++;
        }

        if (i > start && f(list.substr(start, i - start))) {
            return true;
        }
    }

    return false;
}


static bool
has_token(std::string_view list, std::string_view token) noexcept
{
    return any_token(list, [token](std::string_view t) noexcept {
        return t == token;
    });
}


static bool
is_nqchar(unsigned char c) noexcept
{
    return c == 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
}


bool
is_scope(std::string_view s) noexcept
{
    size_t  i;

    for (i = 0; i < s.size(); i++) {
        if (is_nqchar(s[i])) {
            continue;
        }

        /* a SP only between two tokens */
        if (s[i] != ' ' || i == 0 || i + 1 == s.size() || s[i + 1] == ' ') {
            return false;
        }
    }

    return !s.empty();
}


bool
scope_satisfies(std::string_view granted, std::string_view required) noexcept
{
    /* a required token that is missing from granted ends the search */
    return !any_token(required, [granted](std::string_view t) noexcept {
        return !has_token(granted, t);
    });
}


namespace {

template <typename T>
auto
find_entry(T &entries, std::string_view scope) noexcept
{
    auto  it = std::lower_bound(entries.begin(), entries.end(), scope,
                                [](const auto &e, std::string_view s) {
                                    return std::string_view(e.scope) < s;
                                });

    return (it != entries.end() && it->scope == scope) ? it : entries.end();
}

}  // namespace


status
scope_implications::add(std::string_view scope,
                        std::string_view implied) noexcept
{
    if (!is_scope(scope) || scope.find(' ') != std::string_view::npos
        || !is_scope(implied))
    {
        return status::malformed;
    }

    try {
        /* work on a copy: the table stays as it was on failure */
        std::vector<entry>  next(entries_);
        auto                it = find_entry(next, scope);

        if (it == next.end()) {
            entry  e{std::string(scope), std::string(implied), {}};

            it = next.insert(std::lower_bound(next.begin(), next.end(), e,
                                              [](const entry &a,
                                                 const entry &b) {
                                                  return a.scope < b.scope;
                                              }),
                             std::move(e));

        } else {
            it->direct += ' ';
            it->direct += implied;
        }

        /* closures by a walk from each scope; "seen" stops cycles */
        for (entry &e : next) {
            std::vector<std::string_view>  seen{e.scope}, todo{e.direct};

            e.closure.clear();

            while (!todo.empty()) {
                std::string_view  list = todo.back();

                todo.pop_back();

                /* any_token() is noexcept; this walk may throw */
                for (size_t i = 0, end; i < list.size(); i = end + 1) {
                    end = std::min(list.find(' ', i), list.size());

                    std::string_view  t = list.substr(i, end - i);

                    if (t.empty()
                        || std::find(seen.begin(), seen.end(), t)
                           != seen.end())
                    {
                        continue;
                    }

                    seen.push_back(t);

                    if (!e.closure.empty()) {
                        e.closure += ' ';
                    }

                    e.closure += t;

                    auto  sub = find_entry(next, t);

                    if (sub != next.end()) {
                        todo.push_back(sub->direct);
                    }
                }
            }
        }

        entries_.swap(next);

    } catch (...) {
        return status::internal;
    }

    return status::ok;
}


std::string_view
scope_implications::implied(std::string_view scope) const noexcept
{
    auto  it = find_entry(entries_, scope);

    return it == entries_.end() ? std::string_view() : it->closure;
}


bool
scope_satisfies(std::string_view granted, std::string_view required,
                const scope_implications &implies) noexcept
{
    if (implies.empty()) {
        return scope_satisfies(granted, required);
    }

    return !any_token(required, [&](std::string_view r) noexcept {
        if (has_token(granted, r)) {
            return false;
        }

        /* missing unless some granted token implies it */
        return !any_token(granted, [&](std::string_view g) noexcept {
            return has_token(implies.implied(g), r);
        });
    });
}


bool
audience_matches(std::string_view aud, std::string_view accepted) noexcept
{
    return any_token(aud, [accepted](std::string_view t) noexcept {
        return has_token(accepted, t);
    });
}


int64_t
positive_ttl(int64_t now, int64_t exp, int64_t max_ttl) noexcept
{
    if (max_ttl < 0) {
        max_ttl = 0;
    }

    if (exp == 0) {
        return max_ttl;
    }

    /* RFC 7662 §2.2: a token past its exp is not active */
    if (exp <= now) {
        return 0;
    }

    /* exp > now: the difference is positive; compare before subtracting
       so that it cannot overflow for any pair of int64 values */
    if (now < 0 && exp > std::numeric_limits<int64_t>::max() + now) {
        return max_ttl;
    }

    return exp - now < max_ttl ? exp - now : max_ttl;
}


int64_t
stale_deadline(int64_t expires, int64_t stale_if_error, int64_t exp) noexcept
{
    int64_t  deadline;

    if (stale_if_error < 0) {
        stale_if_error = 0;
    }

    if (expires > std::numeric_limits<int64_t>::max() - stale_if_error) {
        deadline = std::numeric_limits<int64_t>::max();

    } else {
        deadline = expires + stale_if_error;
    }

    /* SPEC.md: stale service never outlives the token itself */
    if (exp != 0 && exp < deadline) {
        deadline = exp;
    }

    return deadline;
}

}  // namespace api_auth
