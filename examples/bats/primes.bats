#!/usr/bin/env bats
# The test suite of primes (primes.c), written with bats-corral: each test
# runs the tool in a corral sandbox with the test profile and asserts what
# it printed and, from corral's report, why it ended and what it used.
# README.md in this directory says how to run it.
bats_load_library bats-support
bats_load_library bats-assert
bats_load_library bats-corral

setup() {
	# The test profile binds the current directory read-only: the tool is
	# there, at its own path, and nothing the tests run can change it.
	cd "$BATS_TEST_DIRNAME"
}

@test "counts the primes below a million, in little memory and CPU time" {
	corral_run --profile test -- ./primes -j 4 1000000
	assert_corral_success
	assert_output 78498
	assert_corral_memory_below 16M
	assert_corral_cpu_below 5s
	# The four workers, primes itself and the sandbox's init.
	assert_corral_pids_below 7
	refute_corral_violation
}

@test "the sieve and trial division agree" {
	for limit in 0 2 3 100 7919 7920 100000; do
		corral_run --profile test -- ./primes -j 3 "$limit"
		assert_corral_success
		sieve=$output
		corral_run --profile test -- ./primes -j 3 -m trial "$limit"
		assert_corral_success
		assert_output "$sieve"
	done
	assert_output 9592
}

@test "a bad command line exits 2 with the usage" {
	corral_run --profile test -- ./primes -j 0 100
	assert_corral_exit 2
	assert_output --partial "usage: primes"
}

@test "a limit whose base primes outgrow the stack crashes with SIGSEGV" {
	# 10^15: the square root's 3 * 10^7 bytes of base primes on an 8M stack.
	corral_run --profile test --rlimit stack=8M -- ./primes 1000000000000000
	assert_corral_verdict signaled
	assert_corral_signal SIGSEGV
	assert_output ''
}

@test "trial division up to 10^12 takes days: the time limit ends it" {
	corral_run --profile test --time-limit 1s -- ./primes -m trial 1000000000000
	assert_corral_verdict timeout
	assert_output ''
}

@test "a sieve larger than the memory limit: the OOM killer ends it" {
	# 2 * 10^8 numbers, a byte each, against 32M.
	corral_run --profile test --memory 32M -- ./primes 200000000
	assert_corral_verdict oom
	assert_corral_report '.limits.memory_bytes == 33554432'
	assert_line "primes: a worker died of SIGKILL; passing it on"
}

@test "--nice where setpriority is denied: each worker says so and counts anyway" {
	corral_run --profile test --seccomp-deny setpriority -- ./primes -j 3 --nice 10 1000000
	assert_corral_success
	assert_line 78498
	assert_line "primes: worker 2: cannot lower its priority: Operation not permitted"
	assert_corral_violation setpriority 3
}

@test "--nice where setpriority kills: the seccomp verdict names the call" {
	corral_run --profile test --seccomp-deny setpriority --seccomp-action kill -- \
		./primes --nice 10 1000000
	assert_corral_verdict seccomp
	assert_corral_violation setpriority
	refute_line 78498
}
