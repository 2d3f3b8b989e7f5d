# Performance tooling: the dashboard, the icount regression gate and bisection
# (docs/dashboard.md, docs/regressions.md; harness/dashboard.py, benchcheck.py, bisect.py).
# `/usr/bin/python3 -m harness compare RUN_A RUN_B` compares two recorded runs.

.PHONY: dashboard view bench-check bench-reference bisect

# dashboard/out/index.html and its charts from results/runs/ and results/baselines/
dashboard: | $(SETUP_STAMP)
	$(Q)$(PY) -m harness.dashboard build

# serves dashboard/out on 127.0.0.1 (a free port; the address is printed)
view: dashboard
	$(Q)$(PY) -m harness.dashboard serve

# icount run of a fixed subset against results/reference/: fails when a label grew > 3%
bench-check: all | $(SETUP_STAMP)
	$(Q)$(PY) -m harness.benchcheck check --kernel $(ZC_KERNEL) --initrd $(ZC_INITRD) \
		--work-dir $(BUILD)/bench-check

# re-record results/reference/ (commit it saying why the reference moved)
bench-reference: all | $(SETUP_STAMP)
	$(Q)$(PY) -m harness.benchcheck reference --kernel $(ZC_KERNEL) --initrd $(ZC_INITRD) \
		--work-dir $(BUILD)/bench-check

# make bisect GOOD=<rev> BAD=<rev> BENCH=<label> [THRESHOLD=<pct>] [RUNS=<n>]
ifneq ($(filter bisect,$(MAKECMDGOALS)),)
ifeq ($(and $(GOOD),$(BAD),$(BENCH)),)
$(error make bisect needs GOOD=<rev> BAD=<rev> BENCH=<label>, e.g. make bisect GOOD=HEAD~10 BAD=HEAD BENCH=Syscall/Null [THRESHOLD=3])
endif
endif
bisect: | $(SETUP_STAMP)
	$(Q)$(PY) -m harness.bisect --good '$(GOOD)' --bad '$(BAD)' --bench '$(BENCH)' \
		$(if $(THRESHOLD),--threshold $(THRESHOLD)) $(if $(RUNS),--runs $(RUNS))
