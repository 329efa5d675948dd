# ngx_http_api_auth_module
#
#   make            build the module (build/nginx/objs/*.so)
#   make run        build and start the demo (conf.example) in the foreground
#   make test       unit tests + Test::Nginx suite, with a summary
#   make unit       Check unit tests of src/core
#   make lint       style checks
#   make smoke      nginx -t of conf.example with the built module
#   make key NAME=n [SCOPE="a b"]   print a new API key and its key-file line
#   make bench [QUICK=1]   throughput/latency/CPU ratios against baselines
#   make bench-alloc       heap allocations per request on the hot paths
#   make bench-jwt         µs per JWT parse / signature check, per algorithm
#   make fuzz [FUZZ_SECONDS=60]   libFuzzer targets of src/core
#   make test-asan | test-valgrind   the suite under sanitizers / memcheck
#   make test-matrix [LEGS="system trixie sid"]   the suite on other nginx
#   make deb | test-deb   the Debian package; install it, one request, purge
#   make clean

SHELL := /bin/bash
.DEFAULT_GOAL := module

# the nginx to build against and test with: a source tree configured as
# that binary was (Debian's nginx-dev: conf_flags), the binary, and the
# echo module built for it (the suite's fixtures use echo)
NGINX_SRC   ?= /usr/share/nginx/src
NGINX_BIN   ?= /usr/sbin/nginx
ECHO_MODULE ?= /usr/lib/nginx/modules/ngx_http_echo_module.so
# configure flags of a tree without conf_flags (nginx.org, freenginx,
# Angie); the binary must have --with-compat too
NGINX_CONF_FLAGS ?= --with-compat --with-debug
# cc/ld options where the tree's conf_flags carry none (Debian 12's don't)
NGINX_CC_OPT ?= -g -O2 -fPIC -fstack-protector-strong -D_FORTIFY_SOURCE=2
NGINX_LD_OPT ?= -Wl,-z,relro -Wl,-z,now
# one build directory per nginx (e.g. BUILD=build/matrix/<leg>)
BUILD      := $(CURDIR)/build
override BUILD := $(abspath $(BUILD))
MODULE     := $(BUILD)/nginx/objs/ngx_http_api_auth_module.so
TEST_MODULE = $(MODULE)

BUILD_DEPS := nginx nginx-dev libjansson-dev libssl-dev check pkg-config \
              g++ make
TEST_DEPS  := libnginx-mod-http-echo libtest-base-perl libtext-diff-perl \
              libtest-longstring-perl liblist-moreutils-perl liburi-perl \
              libhttp-message-perl curl
RUN_DEPS   := curl

SRCS := $(wildcard src/*.cpp src/*.h src/core/*.cpp src/core/*.hpp)

UNIT_CXXFLAGS := -std=c++17 -Wall -Wextra -Werror -g \
                 -fsanitize=address,undefined -fno-sanitize-recover=all

.PHONY: module deps test-deps unit test integration run smoke lint key clean \
        test-asan test-valgrind bench bench-alloc bench-callgrind bench-jwt \
        fuzz \
        test-matrix deb test-deb

deps:
	@util/deps.sh $(BUILD_DEPS)

test-deps: deps
	@util/deps.sh $(TEST_DEPS)

module: deps $(MODULE)

# configure a copy of the nginx tree in $(1): its conf_flags (else
# NGINX_CONF_FLAGS), --with-cc-opt/--with-ld-opt from conf_flags (sid's
# carry their own) else $(2)/$(3), and $(4)/$(5) appended to those, so
# that they win (the sanitizer build); nginx takes only the last
# --with-cc-opt it is given, so each is passed once
define configure_nginx
	rm -rf $(1)
	mkdir -p $(dir $(1))
	cp -r $(NGINX_SRC) $(1)
	cd $(1) && NGX_CONF_FLAGS=($(NGINX_CONF_FLAGS)) && \
	if [ -f conf_flags ]; then . ./conf_flags; fi && \
	cc="$(2)" && ld="$(3)" && flags=() && \
	for f in "$${NGX_CONF_FLAGS[@]}"; do \
	    case $$f in \
	    --with-cc-opt=*) cc=$${f#*=} ;; \
	    --with-ld-opt=*) ld=$${f#*=} ;; \
	    *) flags+=("$$f") ;; \
	    esac; \
	done && \
	conf=./configure && { [ -x $$conf ] || conf=./auto/configure; } && \
	$$conf --with-cc-opt="$$cc $(4)" --with-ld-opt="$$ld $(5)" \
	    "$${flags[@]}" --add-dynamic-module=$(CURDIR) >configure.log \
	    || { tail -20 configure.log; exit 1; }
endef

$(BUILD)/nginx/objs/Makefile: config config.make
	$(call configure_nginx,$(BUILD)/nginx,$(NGINX_CC_OPT),$(NGINX_LD_OPT))

$(MODULE): $(BUILD)/nginx/objs/Makefile $(SRCS)
	$(MAKE) -s -C $(BUILD)/nginx -f objs/Makefile modules
	@echo "built $(MODULE)"

# a second build of the module whose cache zones have another layout
# version, for t/028-zone-version.t: one object compiled again in the
# configured tree, and a link (util/shm-variant.sh)
SHM99_MODULE := $(BUILD)/shm99/ngx_http_api_auth_module.so

$(SHM99_MODULE): $(MODULE) util/shm-variant.sh
	@util/shm-variant.sh $(BUILD)/nginx $@ 99

# the same module with AddressSanitizer + UBSan, for make test-asan
ASAN_MODULE := $(BUILD)/asan/nginx/objs/ngx_http_api_auth_module.so
SAN_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=all

$(BUILD)/asan/nginx/objs/Makefile: config config.make
	$(call configure_nginx,$(BUILD)/asan/nginx,-g -fPIC,,\
	    -O1 -fno-omit-frame-pointer $(SAN_FLAGS),$(SAN_FLAGS))

$(ASAN_MODULE): $(BUILD)/asan/nginx/objs/Makefile $(SRCS)
	$(MAKE) -s -C $(BUILD)/asan/nginx -f objs/Makefile modules

$(BUILD)/unit: $(SRCS) $(wildcard t/unit/*.cpp)
	@mkdir -p $(BUILD)
	g++ $(UNIT_CXXFLAGS) -Isrc/core src/core/*.cpp t/unit/*.cpp \
	    $$(pkg-config --cflags --libs check jansson libcrypto) -o $@

unit: deps $(BUILD)/unit
	$(BUILD)/unit

# the project's Test::Nginx runner only where the real one is missing
PROVE_INC = $(shell perl -MTest::Nginx::Socket -e1 2>/dev/null || echo -I t/lib)

# the real authorization server (t/as, Node.js) for t/040-oidc-e2e.t
AS_PORT_TEST := 9181
AS_TEST_ENV  := AS_PORT=$(AS_PORT_TEST) AS_PIDFILE=$(CURDIR)/t/as/as-test.pid \
                AS_LOG=$(CURDIR)/t/as/as-test.log

# the module's log lines of every block, scanned for secrets afterwards
SUITE_LOGS := $(BUILD)/suite-logs

integration: test-deps module $(SHM99_MODULE)
	@command -v node >/dev/null || util/deps.sh nodejs npm
	@# the MCP SDK client and server of t/078 (once; offline afterwards)
	@[ -d t/mcp/node_modules/@modelcontextprotocol/sdk ] || \
	    (cd t/mcp && npm ci --no-audit --no-fund)
	@$(AS_TEST_ENV) t/as/stop.sh >/dev/null 2>&1 || true
	$(AS_TEST_ENV) t/as/start.sh
	@rm -rf $(SUITE_LOGS) && mkdir -p $(SUITE_LOGS)
	@set +e; \
	TEST_NGINX_BINARY=$(NGINX_BIN) \
	TEST_NGINX_LOAD_MODULES="$(TEST_MODULE) $(ECHO_MODULE)" \
	TEST_NGINX_DATA_DIR=$(CURDIR)/t/data \
	TEST_NGINX_AS_PORT=$(AS_PORT_TEST) \
	TEST_NGINX_SHM99_MODULE=$(SHM99_MODULE) \
	TEST_NGINX_COLLECT_LOGS=$(SUITE_LOGS) \
	prove $(PROVE_INC) -r $(or $(T),t/[0-9]*.t); rc=$$?; \
	$(AS_TEST_ENV) t/as/stop.sh >/dev/null 2>&1; \
	perl t/helpers/scan_logs.pl $(SUITE_LOGS) t/*.t t/helpers/*.pl \
	    || rc=1; \
	exit $$rc

test: test-deps module
	@set -o pipefail; \
	unit=fail; smoke=fail; integ=fail; \
	$(MAKE) -s unit 2>&1 | tee $(BUILD)/unit.log && unit=ok; \
	$(MAKE) -s smoke 2>&1 | tee $(BUILD)/smoke.log && smoke=ok; \
	$(MAKE) -s integration 2>&1 | tee $(BUILD)/integration.log && integ=ok; \
	echo; echo "==== summary ===="; \
	echo "unit (Check):        $$unit  $$(grep -Eo '[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' $(BUILD)/unit.log | tail -1)"; \
	echo "smoke (nginx -t):    $$smoke  conf.example"; \
	echo "integration (prove): $$integ  $$(grep -E '^(Files=|Result:)' $(BUILD)/integration.log | tr '\n' ' ')"; \
	echo "secrets in logs:     $$(grep -E '^scan_logs: (no |a secret|nothing)' $(BUILD)/integration.log | sed 's/^scan_logs: //')"; \
	[ $$unit = ok ] && [ $$smoke = ok ] && [ $$integ = ok ]

# the whole integration suite against the ASan+UBSan build of the module
# (nginx itself is Debian's, with the sanitizer runtimes preloaded); any
# sanitizer report, leaks included, fails the target
SAN_REPORTS := $(BUILD)/asan/reports
SAN_RUNTIME := $(shell gcc -print-file-name=libasan.so) \
               $(shell gcc -print-file-name=libubsan.so)

test-asan: test-deps $(ASAN_MODULE)
	@nm -D $(ASAN_MODULE) | grep -qw __asan_init || \
	    { echo "test-asan: $(ASAN_MODULE) has no ASan (__asan_init)"; \
	      exit 1; }
	@rm -rf $(SAN_REPORTS) && mkdir -p $(SAN_REPORTS)
	ASAN_OPTIONS=log_path=$(SAN_REPORTS)/asan:detect_leaks=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/util/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:log_path=$(SAN_REPORTS)/ubsan \
	TEST_NGINX_LD_PRELOAD="$(SAN_RUNTIME)" \
	$(MAKE) -s integration TEST_MODULE=$(ASAN_MODULE)
	@if ls $(SAN_REPORTS)/* >/dev/null 2>&1; then \
	    cat $(SAN_REPORTS)/*; echo "test-asan: sanitizer reports above"; exit 1; \
	else echo "test-asan: no sanitizer report"; fi

# the suite with other nginx builds, one leg each (util/matrix.sh): the
# installed one, and Debian trixie's and sid's nginx fetched with a
# private apt configuration; never part of make test
LEGS ?= system trixie sid

test-matrix: test-deps
	@util/deps.sh dpkg-dev
	@util/matrix.sh $(LEGS)

# the Debian package (debian/: dh + dh_nginx) in build/, and its test:
# installed with apt-get, nginx -t with the stock nginx.conf plus a site
# on 127.0.0.1, one request with and without a key, then purged again
DEB_DEPS := build-essential debhelper dpkg-dev nginx-dev libjansson-dev \
            libssl-dev

deb:
	@util/deps.sh $(DEB_DEPS)
	@util/deb.sh

test-deb: deb
	@util/deps.sh curl
	util/deb-test.sh

# the whole integration suite with nginx under valgrind memcheck
test-valgrind: test-deps module
	@util/deps.sh valgrind
	TEST_NGINX_USE_VALGRIND=1 $(MAKE) -s integration

# benchmarks: never part of make test
BENCH_DEPS := wrk python3 python3-cryptography util-linux gcc \
              libnginx-mod-http-lua

bench: module
	@util/deps.sh $(BENCH_DEPS)
	NGINX_BIN=$(NGINX_BIN) MODULE=$(MODULE) bench/run.sh

bench-alloc: module
	@util/deps.sh $(BENCH_DEPS)
	NGINX_BIN=$(NGINX_BIN) MODULE=$(MODULE) bench/alloc.sh

bench-callgrind: module
	@util/deps.sh $(BENCH_DEPS) valgrind
	NGINX_BIN=$(NGINX_BIN) MODULE=$(MODULE) bench/callgrind.sh

# the core alone, optimised as the module is (-O2), no sanitizers
$(BUILD)/bench-jwt: $(SRCS) bench/jwt_verify.cpp t/unit/jose.cpp
	@mkdir -p $(BUILD)
	g++ -std=c++17 -O2 -Wall -Wextra -Werror -Isrc/core -It/unit \
	    src/core/*.cpp t/unit/jose.cpp bench/jwt_verify.cpp \
	    $$(pkg-config --cflags --libs jansson libcrypto) -o $@

bench-jwt: deps $(BUILD)/bench-jwt
	$(BUILD)/bench-jwt $(ROUNDS)

fuzz: deps
	@util/deps.sh clang libclang-rt-14-dev
	fuzz/run.sh

run: module
	@util/deps.sh $(RUN_DEPS)
	util/demo.sh $(NGINX_BIN) $(MODULE)

# conf.example must pass nginx -t (the demo's key and secret files are
# generated in build/demo first)
smoke: module
	util/demo.sh --check $(NGINX_BIN) $(MODULE)

lint:
	@! grep -rnE '\bngx_|\bNGX_' src/core || \
	    { echo "lint: src/core must not mention nginx"; exit 1; }
	@! grep -rnP '\t' src || { echo "lint: tabs in src"; exit 1; }
	@! grep -rnE '^.{81,}$$' src || { echo "lint: lines over 80 columns"; exit 1; }
	@echo "lint: ok"

key:
	@util/key.sh "$(NAME)" "$(SCOPE)"

clean:
	rm -rf $(BUILD) t/servroot
