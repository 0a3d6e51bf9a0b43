"""The generated C kernel under AddressSanitizer and UndefinedBehaviorSanitizer (issue 4, item 6),
and a batch shared by two threads under ThreadSanitizer.

A small driver includes the generated source, calls every entry point on networks with the edge
cases (K ≠ K*, d = 1, zero rows, parallel and antiparallel rows, a shared teacher, batches that take
the lane path of LANES networks at once with networks left over) and exits 0; any
sanitizer report aborts it.  A second driver shares batches between two threads through one progress
array, as kernels/c_backend.run_batched does, and compares the results with one thread's: a missing
ordering between a helper's writes and the caller's return is a data race ThreadSanitizer reports.
Skipped, saying so, only where the toolchain cannot build and run a sanitized program at all.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from symderive.kernels import c_backend

SANITIZE = ("-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer")

DRIVER = r"""
#include "population.c" /* first: it sets the POSIX feature level of the headers */
#include <stdio.h>

static int check(const char *what, int status) {
    if (status != 0) { fprintf(stderr, "%s returned %d\n", what, status); return 1; }
    return 0;
}

static int run(long B, long K, long Ks, long d, int shared_teacher, unsigned seed) {
    double *W = malloc(sizeof(double) * (size_t)(B * K * d));
    double *Ws = malloc(sizeof(double) * (size_t)((shared_teacher ? 1 : B) * Ks * d));
    double *gradient = malloc(sizeof(double) * (size_t)(B * K * d));
    double *loss = malloc(sizeof(double) * (size_t)B), *norm = malloc(sizeof(double) * (size_t)B);
    int64_t *steps = malloc(sizeof(int64_t) * (size_t)B);
    for (long i = 0; i < B * K * d; ++i) W[i] = (double)((seed + 7 * i) % 13) - 6.0;
    for (long i = 0; i < (shared_teacher ? 1 : B) * Ks * d; ++i)
        Ws[i] = (double)((seed + 5 * i) % 11) - 5.0;
    for (long i = 0; i < d; ++i) W[i] = 0.0;                          /* a zero student row */
    if (K > 2) for (long i = 0; i < d; ++i) W[2 * d + i] = -3.0 * W[d + i];  /* antiparallel */
    if (Ks > 1) for (long i = 0; i < d; ++i) Ws[d + i] = 2.0 * Ws[i];        /* parallel */
    const long stride = shared_teacher ? 0 : Ks * d;
    /* one thread, in chunks of 3 networks (LANES for the gradient): fresh progress arrays */
    int64_t progress[3][3] = {{0}};
    int failures =
        check("loss", symderive_loss(B, K, Ks, d, W, Ws, stride, loss, 3, progress[0], 1))
        + check("gradient", symderive_gradient(B, K, Ks, d, W, Ws, stride, gradient, LANES,
                                               progress[1], 1))
        + check("descent", symderive_descent(B, K, Ks, d, W, Ws, stride, 0.05, 50, 1e-9, loss,
                                             steps, norm, 3, progress[2], 1));
    for (int call = 0; call < 3; ++call)
        if (progress[call][PROGRESS_FINISHED] != B || progress[call][PROGRESS_STATUS] != 0)
            failures += check("progress", 1);
    for (long n = 0; n < B; ++n)
        if (!(loss[n] >= 0.0) || steps[n] < 0 || steps[n] > 50) failures += check("result", 1);
    free(W); free(Ws); free(gradient); free(loss); free(norm); free(steps);
    return failures;
}

int main(void) {
    /* the last two take the lane path (B >= LANES networks, LANES at a time, the rest alone) */
    int failures = run(3, 4, 2, 5, 0, 1u) + run(2, 1, 3, 1, 1, 2u) + run(4, 3, 3, 2, 0, 3u)
        + run(1, 6, 6, 6, 1, 4u) + run(LANES + 3, 4, 3, 5, 0, 5u) + run(2 * LANES, 6, 6, 8, 1, 6u);
    printf("%d failures\n", failures);
    return failures != 0;
}
"""


THREAD_SANITIZE = ("-fsanitize=thread", "-fno-omit-frame-pointer")

SHARED_DRIVER = r"""
#include "population.c" /* first: it sets the POSIX feature level of the headers */
#include <pthread.h>
#include <stdio.h>

typedef struct {
    int kind; long B, K, Ks, d; double *W; const double *Ws; double *out, *norm;
    int64_t *steps, *progress;
    int wait, status;
} job;

static void *run_job(void *argument) {
    job *j = argument;
    const long stride = j->Ks * j->d;
    if (j->kind == 0)
        j->status = symderive_gradient(j->B, j->K, j->Ks, j->d, j->W, j->Ws, stride, j->out, LANES,
                                       j->progress, j->wait);
    else if (j->kind == 1)
        j->status = symderive_loss(j->B, j->K, j->Ks, j->d, j->W, j->Ws, stride, j->out, 3,
                                   j->progress, j->wait);
    else
        j->status = symderive_descent(j->B, j->K, j->Ks, j->d, j->W, j->Ws, stride, 0.05, 20, 0.0,
                                      j->out, j->steps, j->norm, 1, j->progress, j->wait);
    return NULL;
}

int main(void) {
    const long B = 203, K = 4, Ks = 3, d = 5, size = B * K * d;
    double *Ws = malloc(sizeof(double) * (size_t)(B * Ks * d));
    double *W[2], *out[2], *norm[2];
    int64_t *steps[2];
    for (int copy = 0; copy < 2; ++copy) {
        W[copy] = malloc(sizeof(double) * (size_t)size);
        out[copy] = malloc(sizeof(double) * (size_t)size);
        norm[copy] = malloc(sizeof(double) * (size_t)B);
        steps[copy] = malloc(sizeof(int64_t) * (size_t)B);
    }
    for (long i = 0; i < B * Ks * d; ++i) Ws[i] = (double)((5 * i) % 11) - 5.0;
    int failures = 0;
    for (int kind = 0; kind < 3; ++kind) {
        const long count = kind == 1 ? B : size;  /* losses: one per network */
        int64_t alone[3] = {0}, shared[3] = {0};
        for (int copy = 0; copy < 2; ++copy)
            for (long i = 0; i < size; ++i) W[copy][i] = (double)((7 * i) % 13) - 6.0;
        job one = {kind, B, K, Ks, d, W[0], Ws, out[0], norm[0], steps[0], alone, 1, 0};
        run_job(&one);
        job helper = {kind, B, K, Ks, d, W[1], Ws, out[1], norm[1], steps[1], shared, 0, 0};
        job caller = helper;
        caller.wait = 1;
        pthread_t thread;
        pthread_create(&thread, NULL, run_job, &helper);
        run_job(&caller);
        /* read before joining: the caller's return must be enough */
        for (long i = 0; i < count; ++i) failures += out[0][i] != out[1][i];
        for (long i = 0; kind == 2 && i < size; ++i) failures += W[0][i] != W[1][i];
        failures += one.status != 0 || caller.status != 0 || shared[PROGRESS_FINISHED] != B;
        pthread_join(thread, NULL);
    }
    printf("%d failures\n", failures);
    return failures != 0;
}
"""


def _sanitizers_work(tmp_path, sanitize: tuple[str, ...] = SANITIZE) -> str | None:
    """None if a trivial sanitized program builds and runs, else the reason it does not."""
    source, program = tmp_path / "probe.c", tmp_path / "probe"
    source.write_text("int main(void) { return 0; }\n")
    build = subprocess.run([c_backend.compiler(), *sanitize, str(source), "-o", str(program)],
                           capture_output=True, text=True, check=False)
    if build.returncode != 0:
        return f"the compiler cannot build with sanitizers: {build.stderr.strip()[:200]}"
    run = subprocess.run([str(program)], capture_output=True, text=True, check=False)
    if run.returncode != 0:
        return f"a sanitized program does not run here: {run.stderr.strip()[:200]}"
    return None


def _build_and_run(tmp_path, driver: str, sanitize: tuple[str, ...],
                   libraries: tuple[str, ...]) -> None:
    if shutil.which("cc") is None:
        pytest.skip("no C compiler")
    reason = _sanitizers_work(tmp_path, sanitize)
    if reason:
        pytest.skip(reason)
    (tmp_path / "population.c").write_text(c_backend.kernel_source())
    (tmp_path / "driver.c").write_text(driver)
    program = tmp_path / "driver"
    flags = [flag for flag in c_backend.FLAGS if flag not in ("-fPIC", "-shared")]
    build = subprocess.run([c_backend.compiler(), *flags, "-O1", "-g", *sanitize,
                            str(tmp_path / "driver.c"), "-o", str(program), "-lm", *libraries],
                           capture_output=True, text=True, cwd=tmp_path, check=False)
    assert build.returncode == 0, build.stderr
    run = subprocess.run([str(program)], capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 failures" in run.stdout


def test_kernel_is_clean_under_address_and_undefined_sanitizers(tmp_path):
    _build_and_run(tmp_path, DRIVER, SANITIZE, ())


def test_shared_batches_are_clean_under_thread_sanitizer(tmp_path):
    _build_and_run(tmp_path, SHARED_DRIVER, THREAD_SANITIZE, ("-lpthread",))
