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
#   make fuzz [FUZZ_SECONDS=60]   libFuzzer targets of src/core
#   make test-asan | test-valgrind   the suite under sanitizers / memcheck
#   make clean

SHELL := /bin/bash
comma := ,
.DEFAULT_GOAL := module

NGINX_SRC  ?= /usr/share/nginx/src
NGINX_BIN  ?= /usr/sbin/nginx
BUILD      := $(CURDIR)/build
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
        test-asan test-valgrind bench bench-alloc bench-callgrind fuzz

deps:
	@util/deps.sh $(BUILD_DEPS)

test-deps: deps
	@util/deps.sh $(TEST_DEPS)

module: deps $(MODULE)

# configure a copy of Debian's nginx tree in $(1) with cc-opt $(2), ld-opt $(3)
define configure_nginx
	rm -rf $(1)
	mkdir -p $(dir $(1))
	cp -r $(NGINX_SRC) $(1)
	cd $(1) && . ./conf_flags && ./configure \
	    --with-cc-opt="$(2)" --with-ld-opt="$(3)" \
	    "$${NGX_CONF_FLAGS[@]}" --add-dynamic-module=$(CURDIR) >configure.log \
	    || { tail -20 configure.log; exit 1; }
endef

$(BUILD)/nginx/objs/Makefile: config config.make
	$(call configure_nginx,$(BUILD)/nginx,\
	    -g -O2 -fPIC -fstack-protector-strong -D_FORTIFY_SOURCE=2,\
	    -Wl$(comma)-z$(comma)relro -Wl$(comma)-z$(comma)now)

$(MODULE): $(BUILD)/nginx/objs/Makefile $(SRCS)
	$(MAKE) -s -C $(BUILD)/nginx -f objs/Makefile modules
	@echo "built $(MODULE)"

# the same module with AddressSanitizer + UBSan, for make test-asan
ASAN_MODULE := $(BUILD)/asan/nginx/objs/ngx_http_api_auth_module.so
SAN_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=all

$(BUILD)/asan/nginx/objs/Makefile: config config.make
	$(call configure_nginx,$(BUILD)/asan/nginx,\
	    -g -O1 -fPIC -fno-omit-frame-pointer $(SAN_FLAGS),$(SAN_FLAGS))

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

integration: test-deps module
	@command -v node >/dev/null || util/deps.sh nodejs npm
	@$(AS_TEST_ENV) t/as/stop.sh >/dev/null 2>&1 || true
	$(AS_TEST_ENV) t/as/start.sh
	@rm -rf $(SUITE_LOGS) && mkdir -p $(SUITE_LOGS)
	@set +e; \
	TEST_NGINX_BINARY=$(NGINX_BIN) \
	TEST_NGINX_LOAD_MODULES="$(TEST_MODULE) /usr/lib/nginx/modules/ngx_http_echo_module.so" \
	TEST_NGINX_DATA_DIR=$(CURDIR)/t/data \
	TEST_NGINX_AS_PORT=$(AS_PORT_TEST) \
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
	@rm -rf $(SAN_REPORTS) && mkdir -p $(SAN_REPORTS)
	ASAN_OPTIONS=log_path=$(SAN_REPORTS)/asan:detect_leaks=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/util/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:log_path=$(SAN_REPORTS)/ubsan \
	TEST_NGINX_LD_PRELOAD="$(SAN_RUNTIME)" \
	$(MAKE) -s integration TEST_MODULE=$(ASAN_MODULE)
	@if ls $(SAN_REPORTS)/* >/dev/null 2>&1; then \
	    cat $(SAN_REPORTS)/*; echo "test-asan: sanitizer reports above"; exit 1; \
	else echo "test-asan: no sanitizer report"; fi

# the whole integration suite with nginx under valgrind memcheck
test-valgrind: test-deps module
	@util/deps.sh valgrind
	TEST_NGINX_USE_VALGRIND=1 $(MAKE) -s integration

# benchmarks: never part of make test
BENCH_DEPS := wrk python3 util-linux gcc libnginx-mod-http-lua

bench: module
	@util/deps.sh $(BENCH_DEPS)
	NGINX_BIN=$(NGINX_BIN) MODULE=$(MODULE) bench/run.sh

bench-alloc: module
	@util/deps.sh $(BENCH_DEPS)
	NGINX_BIN=$(NGINX_BIN) MODULE=$(MODULE) bench/alloc.sh

bench-callgrind: module
	@util/deps.sh $(BENCH_DEPS) valgrind
	NGINX_BIN=$(NGINX_BIN) MODULE=$(MODULE) bench/callgrind.sh

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
