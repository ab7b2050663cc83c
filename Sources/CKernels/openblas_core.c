// OpenBLAS picks its kernels from the CPU when it loads. A release older than the CPU does not
// know it and falls back to its SSE3 kernels ("Prescott"): Debian 12's 0.3.21 does so on Intel
// Sapphire/Emerald Rapids, where every large product (scoring, evaluation, EASE, ALS) then runs
// at about half speed. This runs once, after OpenBLAS's own start-up and before main, and lets
// OpenBLAS pick again among the kernels the CPU can run ("SkylakeX" with AVX-512, "Haswell" with
// AVX2 and FMA). OPENBLAS_CORETYPE, when set, is OpenBLAS's documented override: it is left alone.
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include "CKernels.h"

// OpenBLAS's own entry points in its DYNAMIC_ARCH builds (the distributions' builds). Weak, so
// that a build of OpenBLAS without them leaves this a no-op.
extern char *openblas_get_corename(void) __attribute__((weak));
extern void gotoblas_dynamic_init(void) __attribute__((weak));
extern void gotoblas_dynamic_quit(void) __attribute__((weak));

static char refit_note[160];

const char *rk_openblas_core_note(void) { return refit_note[0] ? refit_note : NULL; }

int rk_openblas_core_lacks_avx2(const char *core) {
    static const char *const names[] = {
        "Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Sandybridge", "Atom", "Nano",
        "Barcelona", "Bobcat", "Bulldozer", "Piledriver", "Steamroller", "Opteron", "Opteron_SSE3",
        "Katmai", "Coppermine", "Northwood", "Banias", "Athlon", "Unknown",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(core, names[i]) == 0) return 1;
    return 0;
}

__attribute__((constructor)) static void rk_fit_openblas_core(void) {
    if (!openblas_get_corename || !gotoblas_dynamic_init || !gotoblas_dynamic_quit) return;
    if (getenv("OPENBLAS_CORETYPE")) return;
    const char *picked = openblas_get_corename();
    if (!picked || !rk_openblas_core_lacks_avx2(picked) || !rk_path_supported(RK_PATH_AVX2)) return;
    const char *wanted = rk_path_supported(RK_PATH_AVX512) ? "SkylakeX" : "Haswell";
    char was[32];
    snprintf(was, sizeof was, "%s", picked);
    // OpenBLAS reads the override only while it picks; the variable is removed again so that
    // programs rec starts pick their own kernels.
    setenv("OPENBLAS_CORETYPE", wanted, 1);
    gotoblas_dynamic_quit();
    gotoblas_dynamic_init();
    unsetenv("OPENBLAS_CORETYPE");
    snprintf(refit_note, sizeof refit_note,
             "OpenBLAS did not know this CPU and picked its %s kernels; rec had it pick %s's", was,
             openblas_get_corename());
}
