/* bpf.c: classic BPF for seccomp without libseccomp (see bpf.h). */
#include "bpf.h"

#include <string.h>

void bpf_asm_init(struct bpf_asm *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 0; i < BPF_ASM_LABELS; i++)
		a->at[i] = -1;
}

static void emit(struct bpf_asm *a, uint16_t code, uint32_t k, int jt, int jf)
{
	if (a->n == BPF_ASM_MAX) {
		a->overflow = true;
		return;
	}
	a->v[a->n] = (struct sock_filter){.code = code, .k = k};
	a->jt[a->n] = jt;
	a->jf[a->n] = jf;
	a->n++;
}

void bpf_asm_load(struct bpf_asm *a, uint32_t off)
{
	emit(a, BPF_LD | BPF_W | BPF_ABS, off, BPF_ASM_NEXT, BPF_ASM_NEXT);
}

void bpf_asm_and(struct bpf_asm *a, uint32_t k)
{
	emit(a, BPF_ALU | BPF_AND | BPF_K, k, BPF_ASM_NEXT, BPF_ASM_NEXT);
}

void bpf_asm_jeq(struct bpf_asm *a, uint32_t k, int jt, int jf)
{
	emit(a, BPF_JMP | BPF_JEQ | BPF_K, k, jt, jf);
}

void bpf_asm_jset(struct bpf_asm *a, uint32_t k, int jt, int jf)
{
	emit(a, BPF_JMP | BPF_JSET | BPF_K, k, jt, jf);
}

void bpf_asm_jgt(struct bpf_asm *a, uint32_t k, int jt, int jf)
{
	emit(a, BPF_JMP | BPF_JGT | BPF_K, k, jt, jf);
}

void bpf_asm_goto(struct bpf_asm *a, int label)
{
	emit(a, BPF_JMP | BPF_JA, 0, label, BPF_ASM_NEXT);
}

void bpf_asm_ret(struct bpf_asm *a, uint32_t k)
{
	emit(a, BPF_RET | BPF_K, k, BPF_ASM_NEXT, BPF_ASM_NEXT);
}

void bpf_asm_label(struct bpf_asm *a, int label)
{
	if (label >= 0 && label < BPF_ASM_LABELS)
		a->at[label] = (int)a->n;
	else
		a->overflow = true;
}

/* The offset from instruction i to label l (relative to i + 1). */
static int offset(const struct bpf_asm *a, unsigned i, int l, long max)
{
	if (l == BPF_ASM_NEXT)
		return 0;
	if (l < 0 || l >= BPF_ASM_LABELS || a->at[l] < 0)
		return -1;
	long d = (long)a->at[l] - (long)i - 1;
	return d < 0 || d > max ? -1 : (int)d;
}

int bpf_asm_finish(struct bpf_asm *a)
{
	if (a->overflow)
		return -1;
	for (unsigned i = 0; i < a->n; i++) {
		struct sock_filter *f = &a->v[i];
		if (BPF_CLASS(f->code) != BPF_JMP)
			continue;
		if (BPF_OP(f->code) == BPF_JA) {
			int d = offset(a, i, a->jt[i], BPF_ASM_MAX);
			if (d < 0)
				return -1;
			f->k = (uint32_t)d;
			continue;
		}
		int t = offset(a, i, a->jt[i], 255), e = offset(a, i, a->jf[i], 255);
		if (t < 0 || e < 0)
			return -1;
		f->jt = (uint8_t)t;
		f->jf = (uint8_t)e;
	}
	return 0;
}

static bool alu(uint16_t op, uint32_t *acc, uint32_t v)
{
	switch (op) {
	case BPF_ADD: *acc += v; return true;
	case BPF_SUB: *acc -= v; return true;
	case BPF_MUL: *acc *= v; return true;
	case BPF_DIV: if (!v) return false; *acc /= v; return true;
	case BPF_MOD: if (!v) return false; *acc %= v; return true;
	case BPF_OR: *acc |= v; return true;
	case BPF_AND: *acc &= v; return true;
	case BPF_XOR: *acc ^= v; return true;
	case BPF_LSH: *acc = v < 32 ? *acc << v : 0; return true;
	case BPF_RSH: *acc = v < 32 ? *acc >> v : 0; return true;
	case BPF_NEG: *acc = -*acc; return true;
	}
	return false;
}

int bpf_run(const struct sock_filter *prog, unsigned len, const struct seccomp_data *d,
	    uint32_t *ret)
{
	uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = {0};
	const unsigned char *data = (const unsigned char *)d;
	/* Classic BPF jumps only forward: at most len steps. */
	for (unsigned pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];
		uint32_t k = f->k;
		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			if (f->code == (BPF_LD | BPF_W | BPF_ABS)) {
				if (k % 4 || k > sizeof(*d) - 4)
					return -1;
				memcpy(&A, data + k, 4);
			} else if (f->code == (BPF_LD | BPF_W | BPF_LEN)) {
				A = sizeof(*d);
			} else if (f->code == (BPF_LD | BPF_IMM)) {
				A = k;
			} else if (f->code == (BPF_LD | BPF_MEM) && k < BPF_MEMWORDS) {
				A = M[k];
			} else {
				return -1;
			}
			break;
		case BPF_LDX:
			if (f->code == (BPF_LDX | BPF_W | BPF_LEN))
				X = sizeof(*d);
			else if (f->code == (BPF_LDX | BPF_IMM))
				X = k;
			else if (f->code == (BPF_LDX | BPF_MEM) && k < BPF_MEMWORDS)
				X = M[k];
			else
				return -1;
			break;
		case BPF_ST:
		case BPF_STX:
			if (k >= BPF_MEMWORDS)
				return -1;
			M[k] = BPF_CLASS(f->code) == BPF_ST ? A : X;
			break;
		case BPF_ALU:
			if (!alu(BPF_OP(f->code), &A, BPF_SRC(f->code) == BPF_X ? X : k))
				return -1;
			break;
		case BPF_JMP: {
			if (BPF_OP(f->code) == BPF_JA) {
				if (k >= len - pc - 1)
					return -1;
				pc += k;
				break;
			}
			uint32_t v = BPF_SRC(f->code) == BPF_X ? X : k;
			bool c;
			switch (BPF_OP(f->code)) {
			case BPF_JEQ: c = A == v; break;
			case BPF_JGT: c = A > v; break;
			case BPF_JGE: c = A >= v; break;
			case BPF_JSET: c = (A & v) != 0; break;
			default: return -1;
			}
			unsigned off = c ? f->jt : f->jf;
			if (off >= len - pc - 1)
				return -1;
			pc += off;
			break;
		}
		case BPF_RET:
			*ret = BPF_RVAL(f->code) == BPF_A ? A : k;
			return 0;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) == BPF_TAX)
				X = A;
			else
				A = X;
			break;
		default:
			return -1;
		}
	}
	return -1;
}
