# Private instances of the test authorization server (t/as) for one .t
# file, each on a free loopback port with its own pid file and log in a
# temporary directory, all stopped when the file ends (t/as/stop.sh).
#
#   my $port = start_as('name', 'AS_TOKEN_TTL=4', ...);   # extra env
#   my $tok  = as_token($port, CLIENT, SECRET, [SCOPE, [RESOURCE]]);
#
# A file that uses them does not depend on the shared server of make
# integration (t/040 stops that one in its last block).

use strict;
use warnings;

use File::Temp qw(tempdir);
use IO::Socket::INET;

our $AsTmp = tempdir('api-auth-as-XXXXXX', TMPDIR => 1, CLEANUP => 1);
our @AsEnvs;

# a port nobody listens on now (the kernel's choice)
sub free_port {
    my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                                  LocalPort => 0, Proto => 'tcp')
        or die "no free port: $!\n";
    my $p = $s->sockport;
    close $s;
    return $p;
}

sub start_as {
    my ($name, @env) = @_;
    my $p = free_port();
    my $env = "AS_PORT=$p AS_PIDFILE=$AsTmp/$name.pid AS_LOG=$AsTmp/$name.log";
    push @AsEnvs, $env;
    system("$env @env t/as/start.sh >/dev/null") == 0
        or die "the authorization server $name did not start\n";
    return $p;
}

# an access token from the server on PORT (t/as/token.sh), or die
sub as_token {
    my ($port, @args) = @_;
    my $q = join ' ', map { "'$_'" } @args;
    my $t = `AS_PORT=$port t/as/token.sh $q`;
    chomp $t;
    die "no token from the authorization server on $port for $args[0]\n"
        if $t eq '';
    return $t;
}

END {
    local $?;    # the servers' status is not the test's
    system("$_ t/as/stop.sh >/dev/null 2>&1") for @AsEnvs;
}

1;
