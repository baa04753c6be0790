# ecometer — plain GNU make. `make` builds ./ecometer; `make check` runs
# every test; `make demo` runs the demo study into out/demo/.

# ---- settings --------------------------------------------------------------
CC       ?= gcc
PKGS     := gsl jansson cairo pangocairo libpng libxxhash nettle inih
WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wold-style-definition -Wwrite-strings \
            -Wundef -Wdouble-promotion -Wformat=2 -Wvla -Wcast-qual -Werror
CSTD     := -std=c11 -D_GNU_SOURCE
OPT      ?= -O2 -g
OMP      ?= -fopenmp
BUILD    ?= build
BIN      ?= ecometer
DEPS_PKG := gcc make pkg-config libgsl-dev libcsv-dev libinih-dev \
            libjansson-dev libcairo2-dev libpango1.0-dev libpng-dev \
            libcmocka-dev libxxhash-dev nettle-dev fonts-dejavu-core \
            libxml2-utils poppler-utils chromium
ASAN_PKG := clang libomp-14-dev libclang-rt-14-dev
# ----------------------------------------------------------------------------

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lm
CFLAGS     += $(CSTD) $(OPT) $(OMP) $(WARN) $(PKG_CFLAGS) -MMD -MP
LDLIBS     += $(OMP) $(PKG_LIBS)

BASE_SRC   := $(wildcard base/*.c)
IO_SRC     := $(wildcard io/*.c)
MODELS_SRC := $(wildcard models/*.c)
PLOTS_SRC  := $(wildcard plots/*.c)
ENGINE_SRC := $(filter-out engine/main.c,$(wildcard engine/*.c))
LIB_SRC    := $(BASE_SRC) $(IO_SRC) $(MODELS_SRC) $(PLOTS_SRC) $(ENGINE_SRC)
LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC   := $(wildcard tests/unit/test_*.c)
TEST_BIN   := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_BIN   := $(BUILD)/tests/csvcmp
FIGCHECK   := $(BUILD)/tests/figcheck # beside csvcmp, where checks find it
FAILMALLOC := $(BUILD)/tests/failmalloc.so # for golden/alloc_failure, the same

.PHONY: all check golden demo figures bench bench-scaling asan tsan valgrind \
        fuzz fuzz-smoke fuzz-build lint format deps deps-asan clean

all: $(BIN)

$(BIN): $(BUILD)/engine/main.o $(BUILD)/libecometer.a
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libecometer.a: $(LIB_OBJ)
	@$(AR) rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libecometer.a
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libecometer.a $(LDLIBS) -lcmocka

$(BUILD)/tests/csvcmp $(BUILD)/tests/figcheck $(BUILD)/tests/contact: $(BUILD)/tests/%: tests/tools/%.c $(BUILD)/libecometer.a
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libecometer.a $(LDLIBS)

# A preloadable allocator that fails the n-th allocation (never sanitized).
$(BUILD)/tests/failmalloc.so: tests/tools/failmalloc.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CSTD) -O2 $(WARN) -fPIC -shared -o $@ $<

$(BUILD)/bench/%: bench/%.c $(BUILD)/libecometer.a
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libecometer.a $(LDLIBS)

# Installs the build dependencies when a header or library is missing.
deps:
	@if ! scripts/have-deps.sh; then \
	  echo "installing build dependencies: $(DEPS_PKG)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq $(DEPS_PKG) >/dev/null; \
	fi

deps-asan: deps
	@command -v clang >/dev/null && test -e /usr/lib/llvm-14/lib/libomp.so || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq $(ASAN_PKG) >/dev/null)

# One golden case: make golden CASE=name (all cases without CASE).
golden: $(BIN) $(TOOL_BIN) $(FIGCHECK) $(FAILMALLOC)
	@ECOMETER=$(CURDIR)/$(BIN) CSVCMP=$(CURDIR)/$(TOOL_BIN) \
	  tests/run_golden.sh $(CASE)

check: deps
	@$(MAKE) --no-print-directory all $(TEST_BIN) $(TOOL_BIN) $(FIGCHECK) \
	  $(FAILMALLOC)
	@tests/run_all.sh "$(CURDIR)/$(BIN)" "$(CURDIR)/$(TOOL_BIN)" $(TEST_BIN)

demo: deps
	@$(MAKE) --no-print-directory all
	./$(BIN) demo -o out/demo

# A contact sheet of every demo figure, for review: out/figures.png.
figures: demo $(BUILD)/tests/contact
	@$(BUILD)/tests/contact out/figures.png out/demo/figures/*.png
	@echo "wrote out/figures.png"

bench: deps
	@$(MAKE) --no-print-directory all
	@bench/run.sh "$(CURDIR)/$(BIN)"

# The national run at more thread counts: make bench-scaling THREADS="1 16"
bench-scaling: deps
	@$(MAKE) --no-print-directory all
	@bench/scaling.sh "$(CURDIR)/$(BIN)"

# ASan + UBSan build with clang, running the whole test suite.
asan: deps-asan
	@LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  $(MAKE) --no-print-directory check CC=clang BUILD=build-asan \
	  BIN=build-asan/ecometer OPT="-O1 -g -fno-omit-frame-pointer \
	  -fsanitize=address,undefined -fno-sanitize-recover=all" \
	  OMP="-fopenmp=libomp"

# ThreadSanitizer build with clang and LLVM's OpenMP runtime, running the
# whole test suite; Archer (OMP_TOOL_LIBRARIES) tells TSan about OpenMP's
# barriers, reductions and locks, and races inside uninstrumented
# libraries (GSL, Cairo, libomp itself) are not reported. Every report is
# also written to build-tsan/reports/, and any report fails the target,
# even one from a run whose exit status a test does not look at. The
# golden cases TSan cannot run are in tests/tools/tsan.skip, with reasons.
TSAN_DIR  := build-tsan
ARCHER    := /usr/lib/llvm-14/lib/libarcher.so
LLVM_SYMBOLIZER := /usr/lib/llvm-14/bin/llvm-symbolizer
tsan: deps-asan
	@rm -rf $(TSAN_DIR)/reports && mkdir -p $(TSAN_DIR)/reports
	@OMP_TOOL_LIBRARIES=$(ARCHER) GOLDEN_SKIP=$(CURDIR)/tests/tools/tsan.skip \
	  TSAN_OPTIONS="halt_on_error=1 ignore_noninstrumented_modules=1 \
	  second_deadlock_stack=1 log_path=$(CURDIR)/$(TSAN_DIR)/reports/tsan \
	  external_symbolizer_path=$(LLVM_SYMBOLIZER)" \
	  $(MAKE) --no-print-directory check CC=clang BUILD=$(TSAN_DIR) \
	  BIN=$(TSAN_DIR)/ecometer OPT="-O1 -g -fno-omit-frame-pointer \
	  -fsanitize=thread" OMP="-fopenmp=libomp"; s=$$?; \
	  if [ -n "$$(ls -A $(TSAN_DIR)/reports)" ]; then \
	    cat $(TSAN_DIR)/reports/*; \
	    echo "tsan: $$(ls $(TSAN_DIR)/reports | wc -l) run(s) reported, in $(TSAN_DIR)/reports/"; \
	    exit 1; fi; exit $$s

# valgrind's memcheck over the whole test suite: a build with the usual
# compiler at -O1 -g in build-valgrind/, then every unit test and golden
# case run under tests/tools/valgrind.sh by tests/tools/valgrind_check.sh;
# the golden cases valgrind cannot run are in tests/tools/valgrind.skip,
# with reasons, and third-party noise is suppressed in tests/valgrind.supp.
# make valgrind VALGRIND_J1_ONLY=1 runs only the -j 1 half of each golden
# case under valgrind (the -j 2 half natively).
VG_DIR    := build-valgrind
VG_UNIT   := $(patsubst $(BUILD)/%,$(VG_DIR)/%,$(TEST_BIN))
valgrind: deps
	@command -v valgrind >/dev/null || (apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null)
	@$(MAKE) --no-print-directory BUILD=$(VG_DIR) BIN=$(VG_DIR)/ecometer \
	  OPT="-O1 -g" all $(VG_UNIT) $(patsubst $(BUILD)/%,$(VG_DIR)/%,\
	  $(TOOL_BIN) $(FIGCHECK) $(FAILMALLOC))
	@tests/tools/valgrind_check.sh $(VG_DIR) $(VG_UNIT)

# libFuzzer harnesses (tests/fuzz/) for the readers, built with clang,
# ASan and UBSan into build-fuzz/; each runs FUZZ_SECONDS and any crash,
# hang, leak or failed check fails the target. fuzz-smoke is CI's short
# run. Reproduce a failure with build-fuzz/fuzz_NAME build-fuzz/crashes/...
FUZZ_SECONDS ?= 60
FUZZ_BUILD   := build-fuzz
FUZZ_NAMES   := table study formula expr exchanges_rows exchanges_movements \
                geojson neighbours
FUZZ_SRC     := $(BASE_SRC) io/table.c io/intern.c io/number.c io/study.c \
                io/exchanges.c io/geojson.c models/formula.c models/moran.c \
                models/rng.c engine/neighbours.c
FUZZ_OBJ     := $(FUZZ_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_BIN     := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)
.SECONDARY: $(FUZZ_OBJ)
FUZZ_CFLAGS  := $(CSTD) -O1 -g -fno-omit-frame-pointer $(WARN) $(PKG_CFLAGS) \
                -fsanitize=address,undefined -fno-sanitize-recover=all -MMD -MP \
                -DTABLE_READ_CHUNK=7 -fopenmp=libomp

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (fuzz)"
	@clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ)
	@echo "  LD      $@"
	@clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(PKG_LIBS)

fuzz-build: deps-asan
	@$(MAKE) --no-print-directory $(FUZZ_BIN)

fuzz: fuzz-build
	@FUZZ_OUT=$(abspath $(FUZZ_BUILD)) tests/fuzz/run.sh $(FUZZ_SECONDS) \
	  $(FUZZ_NAMES)

fuzz-smoke: fuzz-build
	@FUZZ_OUT=$(abspath $(FUZZ_BUILD)) tests/fuzz/run.sh 8 $(FUZZ_NAMES)

lint:
	clang-format --dry-run --Werror $(wildcard */*.c */*.h tests/*/*.c tests/*/*.h)
	cppcheck --error-exitcode=1 --quiet --enable=warning,performance,portability \
	  --suppress=missingIncludeSystem --inline-suppr -D_GNU_SOURCE \
	  base io models plots engine
	clang-tidy --quiet $(LIB_SRC) engine/main.c -- $(CSTD) $(PKG_CFLAGS) -fopenmp

format:
	clang-format -i $(wildcard */*.c */*.h tests/*/*.c tests/*/*.h)

clean:
	rm -rf build build-asan build-tsan build-valgrind $(FUZZ_BUILD) $(BIN)

-include $(shell find $(BUILD) $(FUZZ_BUILD) -name '*.d' 2>/dev/null)
