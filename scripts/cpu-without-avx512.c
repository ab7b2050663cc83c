// LD_PRELOAD shim: the process (and every thread it starts) sees this CPU without AVX-512, so a
// peer that picks its kernels from cpuid at run time (JAX: XLA's code generation and YNNPACK's
// products) runs what it would run on an AVX2-only CPU (XLA_FLAGS=--xla_cpu_max_isa=AVX2 alone
// leaves YNNPACK's products on AVX-512). scripts/cpu-without-avx512 builds it and runs a command
// under it.
//
// How: Linux's CPUID faulting (arch_prctl ARCH_SET_CPUID 0, x86 CPUs with "cpuid_fault") turns
// every cpuid instruction into a SIGSEGV; the handler runs the real cpuid with faulting off for a
// moment, clears the AVX-512 bits of leaf 7 and steps over the instruction. Start-up only: code
// asks cpuid once, so the timed loops never trap.
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <cpuid.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

static struct sigaction previous;

static void set_faulting(int on) { syscall(SYS_arch_prctl, ARCH_SET_CPUID, on ? 0 : 1); }

// Leaf 7 subleaf 0: EBX avx512f/dq/ifma/pf/er/cd/bw/vl; ECX vbmi, vbmi2, vnni, bitalg,
// vpopcntdq; EDX 4vnniw, 4fmaps, vp2intersect, fp16. Subleaf 1: EAX avx512_bf16.
static void mask(unsigned leaf, unsigned sub, unsigned *a, unsigned *b, unsigned *c, unsigned *d) {
    if (leaf != 7) return;
    if (sub == 0) {
        *b &= ~((1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) | (1u << 27) | (1u << 28) | (1u << 30) | (1u << 31));
        *c &= ~((1u << 1) | (1u << 6) | (1u << 11) | (1u << 12) | (1u << 14));
        *d &= ~((1u << 2) | (1u << 3) | (1u << 8) | (1u << 23));
    } else if (sub == 1) {
        *a &= ~(1u << 5);
    }
}

static void on_segv(int sig, siginfo_t *info, void *context) {
    ucontext_t *uc = context;
    greg_t *r = uc->uc_mcontext.gregs;
    const unsigned char *ip = (const unsigned char *)r[REG_RIP];
    if (ip[0] != 0x0F || ip[1] != 0xA2) {  // a real fault: the previous handler's, or the default
        sigaction(SIGSEGV, &previous, NULL);
        return;  // the instruction faults again and goes there
    }
    const unsigned leaf = (unsigned)r[REG_RAX], sub = (unsigned)r[REG_RCX];
    unsigned a, b, c, d;
    set_faulting(0);
    __cpuid_count(leaf, sub, a, b, c, d);
    set_faulting(1);
    mask(leaf, sub, &a, &b, &c, &d);
    r[REG_RAX] = a, r[REG_RBX] = b, r[REG_RCX] = c, r[REG_RDX] = d;
    r[REG_RIP] += 2;
    (void)sig, (void)info;
}

__attribute__((constructor)) static void start(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &previous);
    if (syscall(SYS_arch_prctl, ARCH_SET_CPUID, 0) != 0) {
        perror("cpu-without-avx512: CPUID faulting (arch_prctl ARCH_SET_CPUID) is not available");
        exit(3);
    }
}
