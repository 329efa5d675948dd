package Test::Nginx::Socket;

# A compatible subset of openresty's Test::Nginx::Socket, for machines
# where the real one is not installed (Debian does not package it, and
# `make test` must run with Debian packages only).  `make test` puts t/lib
# on @INC only when `perl -MTest::Nginx::Socket -e1` fails, so the suite's
# .t files, written for the real module, run unchanged under both.
#
# Supported: run_tests, repeat_each, no_shuffle (blocks always run in file
# order here), master_on/master_off, workers, worker_connections,
# log_level, no_long_string, no_root_location, env_to_nginx; sections
# main_config, http_config, config, request (one, or an `eval` list),
# raw_request, more_headers (one text, or an `eval` list with one per
# request), error_code, response_body(_like|_unlike),
# response_headers(_like) with `!Name`, error_log and no_error_log
# (lines, strings, qr// or lists), grep_error_log(_out), timeout, wait,
# init, user_files, must_die, and Test::Base's ONLY/SKIP/LAST.
# Environment: TEST_NGINX_BINARY, TEST_NGINX_SERVROOT, TEST_NGINX_PORT
# (or TEST_NGINX_SERVER_PORT), TEST_NGINX_LOAD_MODULES, every
# $TEST_NGINX_* variable expanded in configs, requests and expected
# bodies, TEST_NGINX_LD_PRELOAD (e.g. the ASan runtime) and
# TEST_NGINX_USE_VALGRIND (nginx in the foreground under memcheck; any
# report fails the block).
#
# Like the real module, nginx is started with `-e logs/error.log`, so that
# startup errors (must_die) land in the error log; error_log checks look at
# the lines logged since the previous check.

use Test::Base -base;

use POSIX qw(WNOHANG);
use IO::Socket::INET;
use IO::Select;
use File::Path qw(make_path remove_tree);
use File::Basename qw(dirname);
use Cwd qw(cwd);
use Time::HiRes qw(sleep time);

require(dirname(__FILE__) . '/../../../helpers/collect_logs.pl');

our @EXPORT = qw(
    run_tests repeat_each no_shuffle master_on master_off workers
    worker_connections log_level no_long_string no_root_location
    env_to_nginx server_port html_dir server_root check_accum_error_log
    use_hup add_block_preprocessor
);

our $ServerPort = $ENV{TEST_NGINX_SERVER_PORT} || $ENV{TEST_NGINX_PORT}
                  || 1984;
our $ServerAddr = '127.0.0.1';
our $ServRoot = $ENV{TEST_NGINX_SERVROOT} || cwd() . '/t/servroot';
our $NginxBinary = $ENV{TEST_NGINX_BINARY} || 'nginx';

my $RepeatEach = 1;
my $MasterOn = 0;
my $Workers = 1;
my $WorkerConnections = 64;
my $LogLevel = 'debug';
my $NoRootLocation = 0;
my $AccumErrLog = 0;
my @EnvToNginx;
my @Preprocessors;
my $Valgrind = $ENV{TEST_NGINX_USE_VALGRIND};
my $PrevBlockName;
my $ErrLogPos = 0;
my $Child;            # our child: nginx under valgrind (foreground)

$ENV{TEST_NGINX_SERVER_PORT} = $ServerPort;
# no TEST_NGINX_HTML_DIR: openresty's runner does not define it, so a
# block that used it would fail there (use ../html/FILE from conf/)

sub repeat_each (@) { $RepeatEach = shift if @_; $RepeatEach }
sub no_shuffle () { }
sub master_on () { $MasterOn = 1 }
sub master_off () { $MasterOn = 0 }
sub workers ($) { $Workers = shift }
sub worker_connections ($) { $WorkerConnections = shift }
sub log_level ($) { $LogLevel = shift }
sub no_long_string () { }
sub no_root_location () { $NoRootLocation = 1 }
sub env_to_nginx (@) { push @EnvToNginx, @_ }
sub server_port () { $ServerPort }
sub server_root () { $ServRoot }
sub html_dir () { "$ServRoot/html" }
sub check_accum_error_log () { $AccumErrLog = 1 }
sub use_hup () { }
sub add_block_preprocessor (&) { push @Preprocessors, shift }


# $TEST_NGINX_FOO -> $ENV{TEST_NGINX_FOO}, as the real module does
sub expand_env ($) {
    my $text = shift;

    return $text unless defined $text && !ref $text;

    $text =~ s/\$(TEST_NGINX_[_A-Z0-9]+)/
        defined $ENV{$1} ? $ENV{$1}
                         : die "environment variable $1 is not set\n"/ge;

    return $text;
}


sub run_tests () {
    my @blocks = Test::Base::blocks();

    for my $block (@blocks) {
        $_->($block) for @Preprocessors;
        run_block($block);
    }

    stop_nginx();
    ::collect_logs("$ServRoot/logs", "$0 $PrevBlockName")
        if defined $PrevBlockName;
}


sub run_block ($) {
    my $block = shift;
    my $name = "$0 " . $block->name;

    return if defined $block->SKIP;

    # $TEST_NGINX_RAND_PORT_N: a free port per block, as the real module
    for my $n (1 .. 9) {
        my $s = IO::Socket::INET->new(LocalAddr => $ServerAddr,
                                      LocalPort => 0, Proto => 'tcp',
                                      Listen => 1) or die "bind: $!";
        $ENV{"TEST_NGINX_RAND_PORT_$n"} = $s->sockport;
    }

    stop_nginx();
    prepare_servroot($block);
    write_conf($block);

    if (defined $block->must_die) {
        my $rc = system(nginx_cmd() . ' 2>/dev/null');

        isnt($rc, 0, "$name - die as expected");
        check_error_log($block, $name, 0);
        stop_nginx() if $rc == 0;
        return;
    }

    if (!start_nginx()) {
        fail("$name - nginx started");
        diag(slurp("$ServRoot/logs/error.log") =~ s/.*\n(?=(.*\n){20})//sr);
        return;
    }

    for my $i (0 .. $RepeatEach - 1) {
        if (defined $block->init) {
            eval $block->init;
            die "$name - init failed: $@" if $@;
        }

        run_requests($block, $name, $i);
    }

    if ($Valgrind) {
        stop_nginx();
        check_valgrind($name);
    }
}


sub prepare_servroot ($) {
    my $block = shift;

    ::collect_logs("$ServRoot/logs", "$0 $PrevBlockName")
        if -d $ServRoot && defined $PrevBlockName;
    $PrevBlockName = $block->name;
    remove_tree($ServRoot) if -d $ServRoot;
    make_path(map { "$ServRoot/$_" } qw(conf logs html));
    $ErrLogPos = 0;

    my $files = $block->user_files;

    return unless defined $files;

    my @files = ref $files eq 'ARRAY' ? @$files
                : map { /^>>> (\S+)[^\n]*\n(.*)\z/s ? [$1, $2] : () }
                  split /^(?=>>> )/m, $files;

    for my $f (@files) {
        my ($fname, $body) = @$f;
        my $path = "$ServRoot/html/$fname";

        make_path(dirname($path));
        open my $out, '>', $path or die "cannot write $path: $!";
        print $out expand_env($body);
        close $out;
    }
}


sub write_conf ($) {
    my $block = shift;

    my $load = join '', map { "load_module $_;\n" }
                        grep { length } split /\s+/,
                        $ENV{TEST_NGINX_LOAD_MODULES} || '';
    my $main = expand_env($block->main_config // '');
    my $http = expand_env($block->http_config // '');
    my $config = expand_env($block->config // '');
    # under valgrind too: memcheck follows the master's forks (one log
    # per process), and blocks that need two workers keep them
    my $master = $MasterOn ? 'on' : 'off';
    my $daemon = $Valgrind ? 'off' : 'on';
    my $user = $> == 0 ? "user root;\n" : '';
    my $env = join '', map { "env $_;\n" } @EnvToNginx;
    my $root = $NoRootLocation ? '' : <<"_EOC_";
        location / {
            root $ServRoot/html;
            index index.html index.htm;
        }
_EOC_

    my $temp = join ' ', map { "${_}_temp_path $ServRoot/${_}_temp;" }
                         qw(client_body proxy fastcgi uwsgi scgi);

    open my $out, '>', "$ServRoot/conf/nginx.conf" or die "nginx.conf: $!";
    print $out <<"_EOC_";
${load}worker_processes  $Workers;
daemon $daemon;
master_process $master;
error_log $ServRoot/logs/error.log $LogLevel;
pid       $ServRoot/logs/nginx.pid;
${env}
$main

http {
    access_log $ServRoot/logs/access.log;
    $temp

    default_type text/plain;
    keepalive_timeout  68000ms;

$http

    server {
        listen          $ServerPort;
        server_name     'localhost';

        client_max_body_size 30M;

$config

$root    }
}

events {
    accept_mutex off;

    worker_connections  $WorkerConnections;
}

env ASAN_OPTIONS;
env UBSAN_OPTIONS;
env LSAN_OPTIONS;
$user
_EOC_
    close $out;
}


sub nginx_cmd () {
    my @cmd = ($NginxBinary, '-e', "$ServRoot/logs/error.log",
               '-p', "$ServRoot/", '-c', "$ServRoot/conf/nginx.conf");
    my $cmd = join ' ', @cmd;

    $cmd = qq{LD_PRELOAD="$ENV{TEST_NGINX_LD_PRELOAD}" $cmd}
        if $ENV{TEST_NGINX_LD_PRELOAD};

    return "$cmd >/dev/null";
}


sub start_nginx () {
    if ($Valgrind) {
        my $supp = -f 't/valgrind.suppress'
                   ? '--suppressions=t/valgrind.suppress' : '';
        my $cmd = "valgrind -q --tool=memcheck --leak-check=full "
                  . "--show-possibly-lost=no --num-callers=30 $supp "
                  . "--log-file=$ServRoot/logs/valgrind.%p.log " . nginx_cmd();

        $Child = fork // die "fork: $!";

        if ($Child == 0) {
            exec "exec $cmd" or POSIX::_exit(127);
        }

    } elsif (system(nginx_cmd()) != 0) {
        return 0;
    }

    # up when the pid file is there and the port answers
    my $deadline = time + ($Valgrind ? 60 : 10);

    while (time < $deadline) {
        if (-s "$ServRoot/logs/nginx.pid") {
            my $s = IO::Socket::INET->new(PeerAddr => $ServerAddr,
                                          PeerPort => $ServerPort,
                                          Proto => 'tcp');
            return 1 if $s;
        }

        return 0 if $Child && waitpid($Child, WNOHANG) == $Child;
        sleep 0.02;
    }

    return 0;
}


sub pid_alive ($) {
    my $pid = shift;
    my $stat = slurp("/proc/$pid/stat");

    # a zombie is dead: PID 1 may be slow to reap daemonized processes
    return $stat ne '' && $stat !~ /^\d+ \(.*\) Z /;
}


sub stop_nginx () {
    my $pidfile = "$ServRoot/logs/nginx.pid";
    my $pid = slurp($pidfile);

    chomp $pid;

    if ($pid =~ /^\d+$/ && pid_alive($pid)) {
        kill 'QUIT', $pid;

        my $deadline = time + 10;

        while (pid_alive($pid) && time < $deadline) {
            waitpid($Child, WNOHANG) if $Child;
            sleep 0.02;
        }

        kill 'KILL', $pid if pid_alive($pid);
    }

    if ($Child) {
        my $deadline = time + 10;

        while (waitpid($Child, WNOHANG) == 0) {
            if (time > $deadline) {
                kill 'KILL', $Child;
                waitpid($Child, 0);
                last;
            }

            kill 'QUIT', $Child;
            sleep 0.05;
        }

        undef $Child;
    }

    unlink $pidfile;
}


sub check_valgrind ($) {
    my $name = shift;
    my $report = join '', map { slurp($_) }
                          glob "$ServRoot/logs/valgrind.*.log";

    is($report, '', "$name - valgrind reports nothing");
}


sub requests_of ($) {
    my $block = shift;

    if (defined $block->raw_request) {
        my $raw = $block->raw_request;

        return ref $raw ? [map { expand_env($_) } @$raw] : [expand_env($raw)];
    }

    my $req = $block->request;

    die $block->name . " - no --- request\n" unless defined $req;

    my @list = ref $req ? @$req : ($req);
    my $more = $block->more_headers // '';
    my @reqs;

    # more_headers: one text for every request, or one per request
    for my $i (0 .. $#list) {
        my $headers = ref $more eq 'ARRAY' ? $more->[$i] : $more;

        die $block->name . " - --- more_headers lacks data for request $i\n"
            unless defined $headers;

        $headers = join '', map { "$_\r\n" }
                            grep { /\S/ } split /\n/, $headers;

        push @reqs, build_request(expand_env($list[$i]), $headers);
    }

    return \@reqs;
}


sub build_request ($$) {
    my ($req, $headers) = @_;

    $req =~ s/^\s+//;

    my ($line, $body) = split /\n/, $req, 2;

    $line .= ' HTTP/1.1' unless $line =~ m{ HTTP/\d\.\d\s*$};
    $line =~ s/\s+$//;

    # a Host in more_headers replaces the default one, as in openresty's
    my $host = $headers =~ /^Host:/mi ? '' : "Host: localhost\r\n";
    my $raw = "$line\r\n${host}Connection: close\r\n$headers";

    if (defined $body && length $body) {
        $raw .= 'Content-Length: ' . length($body) . "\r\n";
    } else {
        $body = '';
    }

    return "$raw\r\n$body";
}


sub indexed ($$) {
    my ($value, $i) = @_;

    return ref $value eq 'ARRAY' ? $value->[$i] : $value;
}


sub run_requests ($$$) {
    my ($block, $name, $rep) = @_;
    my $reqs = requests_of($block);
    my $timeout = $block->timeout // 3;

    $timeout =~ s/\s+//g;

    for my $i (0 .. $#$reqs) {
        my $res = send_request($reqs->[$i], $timeout);

        if (!defined $res) {
            fail("$name - request $i timed out or failed");
        } else {
            check_response($block, $name, $res, $i);
        }

        if ($i < $#$reqs) {
            sleep $block->wait if $block->wait;
            check_error_log($block, $name, $rep);
        }
    }

    sleep $block->wait if $block->wait;
    check_error_log($block, $name, $rep);
}


sub send_request ($$) {
    my ($raw, $timeout) = @_;

    my $sock = IO::Socket::INET->new(PeerAddr => $ServerAddr,
                                     PeerPort => $ServerPort,
                                     Proto => 'tcp',
                                     Timeout => $timeout)
        or return undef;

    print $sock $raw;

    my $sel = IO::Select->new($sock);
    my $resp = '';
    my $deadline = time + $timeout;

    while (time < $deadline) {
        last unless $sel->can_read($deadline - time);

        my $n = sysread $sock, my $buf, 65536;

        last unless $n;
        $resp .= $buf;
    }

    close $sock;

    return parse_response($resp);
}


sub parse_response ($) {
    my $resp = shift;

    return undef unless $resp =~ s{\AHTTP/\d\.\d (\d{3})[^\r\n]*\r\n}{};

    my $status = $1;
    my ($head, $body) = split /\r\n\r\n/, $resp, 2;
    my %h;

    for my $line (split /\r\n/, $head // '') {
        next unless $line =~ /^([^:]+):\s*(.*)$/;
        push @{ $h{lc $1} }, $2;
    }

    $body //= '';

    if (($h{'transfer-encoding'}[0] // '') =~ /chunked/i) {
        my $out = '';

        while ($body =~ s/\A([0-9a-fA-F]+)[^\r\n]*\r\n//) {
            my $len = hex $1;

            last if $len == 0;
            $out .= substr($body, 0, $len, '');
            $body =~ s/\A\r\n//;
        }

        $body = $out;
    }

    return { status => $status, headers => \%h, body => $body };
}


sub check_response ($$$$) {
    my ($block, $name, $res, $i) = @_;

    my $code = indexed($block->error_code, $i);

    if (defined $code) {
        $code =~ s/\s+//g;
        is($res->{status}, $code, "$name - status code ok");
    }

    for my $kind (qw(response_headers response_headers_like)) {
        my $spec = indexed($block->$kind, $i);

        next unless defined $spec;

        for my $line (split /\n/, expand_env($spec)) {
            next unless $line =~ /\S/;

            if ($line =~ /^\s*!\s*([^:\s]+)\s*$/) {
                ok(!exists $res->{headers}{lc $1},
                   "$name - header $1 not present");
                next;
            }

            my ($k, $v) = $line =~ /^\s*([^:]+?)\s*:\s*(.*?)\s*$/ or next;
            my $got = join ', ', @{ $res->{headers}{lc $k} || [] };

            if ($kind eq 'response_headers') {
                is($got, $v, "$name - header $k ok");
            } else {
                like($got, qr/$v/s, "$name - header $k like ok");
            }
        }
    }

    my $body = indexed($block->response_body, $i);

    if (defined $body) {
        is($res->{body}, expand_env($body),
           "$name - response_body - response is expected");
    }

    my $like = indexed($block->response_body_like, $i);

    if (defined $like) {
        $like = expand_env($like) unless ref $like;
        like($res->{body}, ref $like ? $like : qr/$like/s,
             "$name - response_body_like - response is expected");
    }

    my $unlike = indexed($block->response_body_unlike, $i);

    if (defined $unlike) {
        $unlike = expand_env($unlike) unless ref $unlike;
        unlike($res->{body}, ref $unlike ? $unlike : qr/$unlike/s,
               "$name - response_body_unlike - response is expected");
    }
}


sub new_log_lines () {
    # the real module lets the log phase finish after the response
    sleep 0.02;

    open my $in, '<', "$ServRoot/logs/error.log" or return [];
    seek $in, $ErrLogPos, 0 unless $AccumErrLog;

    my @lines = <$in>;

    $ErrLogPos = tell $in unless $AccumErrLog;
    close $in;

    return \@lines;
}


sub patterns ($) {
    my $pats = shift;

    return [] unless defined $pats;
    return [$pats] if ref $pats eq 'Regexp';
    return [grep { defined } @$pats] if ref $pats eq 'ARRAY';

    return [grep { length } split /\n+/, expand_env($pats)];
}


sub line_matches ($$) {
    my ($line, $pat) = @_;

    return ref $pat ? $line =~ $pat : index($line, $pat) >= 0;
}


sub check_error_log ($$$) {
    my ($block, $name, $rep) = @_;
    my $lines = new_log_lines();

    my $grep = indexed($block->grep_error_log, $rep);

    if (defined $grep) {
        my $expected = indexed($block->grep_error_log_out, $rep);
        my $matched = '';

        for my $line (@$lines) {
            if (ref $grep ? $line =~ $grep : $line =~ /\Q$grep\E/) {
                $matched .= "$&\n" unless $& =~ /\n/;
            }
        }

        if (ref $expected eq 'Regexp') {
            like($matched, $expected, "$name - grep_error_log_out (req $rep)");
        } else {
            is($matched, expand_env($expected // ''),
               "$name - grep_error_log_out (req $rep)");
        }
    }

    for my $pat (@{ patterns($block->error_log) }) {
        ok(scalar(grep { line_matches($_, $pat) } @$lines),
           "$name - pattern \"$pat\" matches a line in error.log (req $rep)");
    }

    for my $pat (@{ patterns($block->no_error_log) }) {
        my ($hit) = grep { line_matches($_, $pat) } @$lines;

        ok(!defined $hit, "$name - pattern \"$pat\" does not match a line "
                          . "in error.log (req $rep)")
            or diag("matched: $hit");
    }
}


sub slurp ($) {
    my $path = shift;

    open my $in, '<', $path or return '';
    local $/;
    my $text = <$in>;

    return $text // '';
}

1;
