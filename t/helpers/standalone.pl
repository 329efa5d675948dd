# Shared by the standalone Test::More scripts (t/006-reload.t, t/027,
# t/028, t/060, t/083, t/085, t/090-secrets.t): they start their own
# nginx, because what they test (a reload between requests, logs at level
# info, shared memory of a running worker) cannot be expressed portably
# in Test::Nginx blocks.
#
# Usage: require "$FindBin::Bin/helpers/standalone.pl"; then
# standalone_prefix(), standalone_conf() written to conf/nginx.conf,
# start_nginx(), get(), request(), reload(), ...
# The nginx binary and modules come from TEST_NGINX_BINARY and
# TEST_NGINX_LOAD_MODULES, as for Test::Nginx.

use strict;
use warnings;

use File::Basename qw(dirname);
use File::Temp qw(tempdir);
use IO::Socket::INET;
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(sleep time);

# memcheck slows nginx down some 20 times
our $slow = $ENV{TEST_NGINX_USE_VALGRIND} ? 6 : 1;

our $nginx = $ENV{TEST_NGINX_BINARY} || '/usr/sbin/nginx';
our @modules = grep { length } split /\s+/, ($ENV{TEST_NGINX_LOAD_MODULES} || '');
our ($prefix, $port, $pid);

require(dirname(__FILE__) . '/collect_logs.pl');

# before File::Temp removes the prefix (END blocks run last in, first out)
END {
    ::collect_logs("$prefix/logs", $0) if $prefix;
}


# a temporary prefix with conf/, logs/ and html/, and a free port
sub standalone_prefix {
    my ($name) = @_;

    $prefix = tempdir("api-auth-$name-XXXXXX", TMPDIR => 1, CLEANUP => 1);
    mkdir "$prefix/$_" or die "mkdir $prefix/$_: $!" for qw(conf logs html);
    $port = free_port();

    return $prefix;
}


# the load_module, user and path lines every configuration starts with;
# MODULES: the .so files to load instead of TEST_NGINX_LOAD_MODULES's
sub conf_preamble {
    my @so = @_ ? @_ : @modules;
    my $load = join '', map { "load_module $_;\n" } @so;
    my $user = $> == 0 ? "user root;\n" : '';

    return "${load}${user}daemon off;\npid logs/nginx.pid;\n";
}


# the whole nginx.conf of a standalone script: conf_preamble(), a master
# with its workers, the error log at level info, and one server on
# 127.0.0.1:$port.  %o:
#   server      => the server's directives and locations (indented 8)
#   http        => http-level lines before the server: zones, log
#                  formats (indented 4)
#   workers     => worker_processes (1)
#   connections => worker_connections (64)
#   main        => more main-context lines (worker_rlimit_nofile ...)
#   access_log  => the http-level access_log ("off")
#   listen      => more parameters of the listen ("reuseport")
#   modules     => [.so, ...] to load instead of TEST_NGINX_LOAD_MODULES's
sub standalone_conf {
    my (%o) = @_;
    my $preamble = conf_preamble(@{ $o{modules} // [] });
    my $workers = $o{workers} // 1;
    my $connections = $o{connections} // 64;
    my $main = $o{main} // '';
    my $access_log = $o{access_log} // 'off';
    my $listen = join ' ', "127.0.0.1:$port", $o{listen} // ();
    my $http = length($o{http} // '') ? "$o{http}\n" : '';
    my $server = $o{server} // '';
    my $temp = temp_paths();

    return <<"EOF";
${preamble}master_process on;
worker_processes $workers;
${main}error_log logs/error.log info;

events {
    worker_connections $connections;
}

http {
    access_log $access_log;
$temp
${http}    server {
        listen $listen;

$server    }
}
EOF
}


# one worker on $port whose /t checks API keys of conf/keys.txt and
# echoes "ok " and ECHO (nginx variables, e.g. '$api_auth_client')
sub key_file_conf {
    my ($echo) = @_;

    return standalone_conf(server => <<"EOF");
        location = /t {
            api_auth_keys keys.txt;
            api_auth api_key;
            echo "ok $echo";
        }
EOF
}


sub temp_paths {
    return join '', map { "    ${_}_temp_path logs/$_;\n" }
                    qw(client_body proxy fastcgi uwsgi scgi);
}


sub start_nginx {
    my $child = fork;

    die "fork: $!" unless defined $child;

    if ($child == 0) {
        open STDOUT, '>', '/dev/null';
        open STDERR, '>>', "$prefix/logs/stderr.log";
        # the same conventions as the Test::Nginx runs: a sanitizer
        # runtime preloaded (make test-asan), or nginx under memcheck
        # (make test-valgrind; it follows the master's forks)
        $ENV{LD_PRELOAD} = $ENV{TEST_NGINX_LD_PRELOAD}
            if $ENV{TEST_NGINX_LD_PRELOAD};

        my @cmd = ($nginx, '-p', "$prefix/", '-c', 'conf/nginx.conf',
                   '-e', 'logs/error.log');

        unshift @cmd, valgrind_cmd() if $ENV{TEST_NGINX_USE_VALGRIND};

        # on failure, no END blocks: they would remove $prefix
        exec(@cmd)
            or do { print STDERR "exec $cmd[0]: $!\n"; POSIX::_exit(127) };
    }

    $pid = $child;

    return $child;
}


sub valgrind_cmd {
    my @supp = -f "$FindBin::Bin/valgrind.suppress"
               ? ("--suppressions=$FindBin::Bin/valgrind.suppress") : ();

    return ('valgrind', '-q', '--tool=memcheck', '--leak-check=full',
            '--show-possibly-lost=no', '--num-callers=30', @supp,
            "--log-file=$prefix/logs/valgrind.%p.log");
}


# under memcheck, one test: every process's report is empty
sub check_valgrind {
    return unless $ENV{TEST_NGINX_USE_VALGRIND};

    my $report = join '', map { slurp($_) }
                          glob "$prefix/logs/valgrind.*.log";

    Test::More::is($report, '', 'valgrind reports nothing');
}


sub reload {
    kill 'HUP', $pid or die "kill HUP $pid: $!";
}


# the master's worker processes (children), from /proc
sub workers {
    my @w;

    for my $stat (glob '/proc/[0-9]*/stat') {
        my $line = slurp($stat);

        # pid (comm) state ppid ...
        push @w, $1 if $line =~ /^(\d+) \(.*\) \S+ (\d+) / && $2 == $pid;
    }

    return @w;
}


# HUP, then wait until the workers of the old configuration are gone, so
# that no later request can reach one of them (bounded: 10 s)
sub reload_and_settle {
    my %old = map { $_ => 1 } workers();

    reload();

    return wait_for(sub {
        my @now = workers();
        return @now && !grep { $old{$_} } @now;
    });
}


# QUIT (graceful), then KILL after 10 s; always reaps the master
sub stop_nginx {
    return unless $pid;

    kill 'QUIT', $pid;

    my $deadline = time + 10 * $slow;

    while (waitpid($pid, WNOHANG) == 0) {
        if (time > $deadline) {
            kill 'KILL', $pid;
            waitpid($pid, 0);
            last;
        }

        sleep 0.05;
    }

    $pid = 0;
}


# polls cond every 50 ms for at most 10 s
sub wait_for {
    my ($cond) = @_;
    my $deadline = time + 10 * $slow;

    while (time < $deadline) {
        return 1 if $cond->();
        sleep 0.05;
    }

    return 0;
}


# [status, {lowercase header => value}, body]; undef when nginx does not
# answer.  $headers: raw header lines, each ending in "\r\n".
sub request {
    my ($uri, $headers) = @_;

    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                     PeerPort => $port,
                                     Proto => 'tcp',
                                     Timeout => 5)
        or return undef;

    print $sock "GET $uri HTTP/1.0\r\nHost: localhost\r\n$headers\r\n";

    local $/;
    my $resp = <$sock>;

    close $sock;

    return undef unless defined $resp
        && $resp =~ m{^HTTP/1\.[01] (\d{3})[^\r\n]*\r\n(.*?)\r\n\r\n(.*)\z}s;

    my ($status, $head, $body) = ($1, $2, $3);
    my %h = map { /^([^:]+):\s*(.*)$/ ? (lc $1, $2) : () } split /\r\n/, $head;

    return [$status + 0, \%h, $body];
}


# [status, WWW-Authenticate or undef, body on 200 or undef] for a Bearer
# credential (none when $key is empty)
sub get {
    my ($uri, $key) = @_;

    my $r = request($uri, length $key ? "Authorization: Bearer $key\r\n" : '')
        or return undef;

    return [$r->[0], $r->[1]{'www-authenticate'},
            $r->[0] == 200 ? $r->[2] : undef];
}


sub free_port {
    my $sock = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
                                     LocalPort => 0,
                                     Proto => 'tcp',
                                     Listen => 1)
        or die "cannot bind a free port: $!";
    my $p = $sock->sockport;

    close $sock;

    return $p;
}


sub write_file {
    my ($path, $text) = @_;

    open my $fh, '>', "$path.tmp" or die "open $path.tmp: $!";
    print $fh $text;
    close $fh or die "close $path.tmp: $!";
    rename "$path.tmp", $path or die "rename $path: $!";
}


sub slurp {
    my ($path) = @_;

    open my $fh, '<', $path or return '';
    local $/;
    my $text = <$fh>;

    return defined $text ? $text : '';
}

1;
