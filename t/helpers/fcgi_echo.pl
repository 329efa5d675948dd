#!/usr/bin/perl
# TEST-ONLY FastCGI responder for t/077-mcp-hide-upstreams.t, on
# 127.0.0.1:PORT, one connection at a time (in the order nginx opened
# them), exits after LIFETIME seconds (default 120) whatever happens.
#
#   perl t/helpers/fcgi_echo.pl PORT [LIFETIME]
#
# By the SCRIPT_NAME param nginx sends (fastcgi_param):
#   /echo    answers "authorization=[HTTP_AUTHORIZATION] x-api-key=[...]"
#   /record  keeps HTTP_AUTHORIZATION (a mirror's request), answers "ok"
#   /seen    answers "recorded=[what /record kept]" (none: "-")
# Only FCGI_RESPONDER requests on fresh connections (no FCGI_KEEP_CONN).
use strict;
use warnings;
use IO::Socket::INET;

my ($port, $lifetime) = @ARGV;
die "usage: $0 PORT [LIFETIME]\n" unless $port;
$SIG{ALRM} = sub { exit 0 };
$SIG{PIPE} = 'IGNORE';    # nginx may close first
alarm($lifetime || 120);

my $srv = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $port,
                                Listen => 16, ReuseAddr => 1, Proto => 'tcp')
    or die "fcgi_echo: cannot listen on 127.0.0.1:$port: $!\n";
my $recorded = '-';

sub read_n {
    my ($c, $n) = @_;
    my $buf = '';
    while (length $buf < $n) {
        my $r = sysread($c, $buf, $n - length $buf, length $buf);
        return undef unless $r;
    }
    return $buf;
}

sub record_out {
    my ($c, $type, $id, $content) = @_;
    syswrite($c, pack('CCnnCC', 1, $type, $id, length $content, 0, 0)
                 . $content);
}

sub params {
    my ($data) = @_;
    my (%p, $i);
    $i = 0;
    while ($i < length $data) {
        my @len;
        for (1, 2) {
            my $b = ord substr($data, $i, 1);
            if ($b & 0x80) {
                push @len, unpack('N', substr($data, $i, 4)) & 0x7fffffff;
                $i += 4;
            } else {
                push @len, $b;
                $i += 1;
            }
        }
        my $k = substr($data, $i, $len[0]);
        my $v = substr($data, $i + $len[0], $len[1]);
        $i += $len[0] + $len[1];
        $p{$k} = $v;
    }
    return \%p;
}

while (my $c = $srv->accept) {
    my ($id, $params, $stdin_done) = (1, '', 0);
    while (!$stdin_done) {
        my $h = read_n($c, 8) // last;
        my ($ver, $type, $rid, $len, $pad) = unpack('CCnnC', $h);
        my $body = $len ? read_n($c, $len) // last : '';
        read_n($c, $pad) if $pad;
        $id = $rid;
        $params .= $body if $type == 4;
        $stdin_done = 1 if $type == 5 && $len == 0;
    }
    next unless $stdin_done;

    my $p = params($params);
    my $script = $p->{SCRIPT_NAME} // '';
    my $auth = $p->{HTTP_AUTHORIZATION} // '';
    my $text;
    if ($script eq '/record') {
        $recorded = "authorization=[$auth]";
        $text = "ok\n";
    } elsif ($script eq '/seen') {
        $text = "recorded=[$recorded]\n";
    } else {
        $text = "authorization=[$auth] x-api-key=["
              . ($p->{HTTP_X_API_KEY} // '') . "]\n";
    }
    record_out($c, 6, $id, "Content-Type: text/plain\r\n\r\n$text");
    record_out($c, 6, $id, '');
    record_out($c, 3, $id, pack('NCCCC', 0, 0, 0, 0, 0));
    close $c;
}
