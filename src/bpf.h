/* bpf.h: classic BPF for seccomp, without libseccomp: a small assembler with
 * forward labels (for the rules seccomp.c writes by hand), and an
 * interpreter of what seccomp accepts, to check a filter's answers (a cached
 * filter before it is trusted, and the unit tests). */
#pragma once

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BPF_ASM_MAX 256
#define BPF_ASM_LABELS 16

/* Instructions are appended; a jump names labels (BPF_ASM_NEXT: the next
 * instruction), placed later with bpf_asm_label. Offsets are resolved by
 * bpf_asm_finish, which fails when a label is unplaced, a jump goes back
 * or is longer than 255 instructions, or the program is full. */
enum { BPF_ASM_NEXT = -1 };

struct bpf_asm {
	struct sock_filter v[BPF_ASM_MAX];
	int jt[BPF_ASM_MAX], jf[BPF_ASM_MAX]; /* labels, or BPF_ASM_NEXT */
	int at[BPF_ASM_LABELS];               /* where each label is; -1 unplaced */
	unsigned n;
	bool overflow;
};

void bpf_asm_init(struct bpf_asm *a);
/* A = the 32-bit word at offset off of struct seccomp_data. */
void bpf_asm_load(struct bpf_asm *a, uint32_t off);
/* A &= k */
void bpf_asm_and(struct bpf_asm *a, uint32_t k);
/* if (A == k) goto jt else goto jf; bpf_asm_jset: if (A & k); bpf_asm_jgt:
 * if (A > k) */
void bpf_asm_jeq(struct bpf_asm *a, uint32_t k, int jt, int jf);
void bpf_asm_jset(struct bpf_asm *a, uint32_t k, int jt, int jf);
void bpf_asm_jgt(struct bpf_asm *a, uint32_t k, int jt, int jf);
void bpf_asm_goto(struct bpf_asm *a, int label);
void bpf_asm_ret(struct bpf_asm *a, uint32_t k);
void bpf_asm_label(struct bpf_asm *a, int label);
int bpf_asm_finish(struct bpf_asm *a);

/* The offset of the low 32 bits of argument i in struct seccomp_data (an
 * int argument: the kernel truncates the register to 32 bits). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define BPF_ARG_LO(i) ((uint32_t)(offsetof(struct seccomp_data, args) + 8 * (i)))
#else
#define BPF_ARG_LO(i) ((uint32_t)(offsetof(struct seccomp_data, args) + 8 * (i) + 4))
#endif

/* Run prog on d as the kernel would; *ret is the SECCOMP_RET_* value. -1
 * for a program the kernel would refuse or that runs off its end. */
int bpf_run(const struct sock_filter *prog, unsigned len, const struct seccomp_data *d,
	    uint32_t *ret);
