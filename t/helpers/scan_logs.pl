#!/usr/bin/perl
# Secrets in the whole suite's logs (issue: "no token or key appears in
# error logs or access logs"): after `make integration` has run every .t
# file with TEST_NGINX_COLLECT_LOGS=DIR, this looks at
#   - every error-log line the module wrote ("api_auth"), all levels,
#     without the context nginx appends (", client: ..., request: ...",
#     which holds what the client itself put in the URL);
#   - the $remote_user field of every access-log line in nginx's default
#     "combined" format (where a Basic credential would show);
# for the plaintext of every key and token the tests send (the tok-...,
# test-key-... and combo-key-... values written in t/*.t), and for the
# first 8 hex digits of their plain SHA-256: the module logs a keyed id
# (HMAC with a secret of its own), never an unkeyed digest that a
# dictionary could be run against.
#   - every line of the api_auth_metrics output that the standalone
#     scripts scraped (DIR/metrics.txt, t/083-metrics-reload.t): a label
#     value must never be a key, a token or a digest of one;
# t/090-secrets.t adds the shared-memory zone and generated secrets.
#
# usage: perl t/helpers/scan_logs.pl DIR t/*.t

use strict;
use warnings;

use Digest::SHA qw(sha256_hex);

my ($dir, @files) = @ARGV;
my %secret;

for my $f (@files) {
    open my $in, '<', $f or die "$f: $!";
    local $/;
    my $text = <$in>;
    $secret{$1} = 1
        while $text =~ /\b((?:tok-\d[\w.~+\/-]*|test-key-[\w-]+|combo-key-\d+)=*)/g;
}

# a secret is at least 8 characters; shorter matches are fragments
my @secrets = grep { length >= 8 } sort keys %secret;
my @digests = map { substr(sha256_hex($_), 0, 8) } @secrets;

my ($module, $users, @bad) = (0, 0);

sub check {
    my ($where, $text) = @_;

    for my $i (0 .. $#secrets) {
        push @bad, "$where: $secrets[$i]" if index($text, $secrets[$i]) >= 0;
        push @bad, "$where: digest of $secrets[$i]"
            if index($text, $digests[$i]) >= 0;
    }
}

if (open my $in, '<', "$dir/error.log") {
    while (my $l = <$in>) {
        next unless $l =~ /api_auth/ && $l !~ /^### /;
        $module++;
        $l =~ s/, client: .*//s;
        check("error.log line $.", $l);
    }
}

if (open my $in, '<', "$dir/access.log") {
    while (my $l = <$in>) {
        next unless $l =~ /^\S+ - (\S+) \[/;
        $users++;
        check("access.log line $. (\$remote_user)", $1);
    }
}

my $metrics = 0;

if (open my $in, '<', "$dir/metrics.txt") {
    while (my $l = <$in>) {
        next if $l =~ /^### /;
        $metrics++;
        check("metrics.txt line $.", $l);
    }
}

printf "scan_logs: %d secrets from %d files; %d error-log lines of the "
       . "module; %d access-log lines in combined format; %d lines of "
       . "metrics\n",
       scalar @secrets, scalar @files, $module, $users, $metrics;

if ($module == 0 || @secrets == 0) {
    print "scan_logs: nothing collected: is TEST_NGINX_COLLECT_LOGS set?\n";
    exit 1;
}

if (@bad) {
    print "scan_logs: a secret in the logs:\n", map { "  $_\n" } @bad[0 .. ($#bad < 19 ? $#bad : 19)];
    exit 1;
}

print "scan_logs: no key, token or digest in the logs\n";
exit 0;
