/*
 * Native matrix products for tfjs' wasm backend: cblas_sgemm run directly on the wasm heap.
 *
 * JavaScript passes the wasm Memory's ArrayBuffer and byte offsets into it (the tensors'
 * memoryOffset), so nothing is copied. One call computes a whole batch of products and the fused
 * epilogue (bias, activation) in place on the output. Plain C against N-API (version 8), so one
 * binary serves every Node release from 20 on.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#ifdef __APPLE__
#include <Accelerate/Accelerate.h>
#define BLAS_NAME "Accelerate"
#else
#include <cblas.h>
#define BLAS_NAME "OpenBLAS"
#endif

/* Activation codes shared with src/kernels.ts. */
enum { ACT_LINEAR = 0, ACT_RELU, ACT_RELU6, ACT_PRELU, ACT_LEAKYRELU, ACT_ELU, ACT_SIGMOID };

#ifndef __APPLE__
extern char *openblas_get_config(void);
extern int openblas_get_num_threads(void);
extern void openblas_set_num_threads(int);
#endif

/*
 * Threads: products under SMALL_WORK multiply-adds run on one thread whatever the setting. OpenBLAS
 * splits products from 64^3 on, and for the many small products of a training step (DDVI's
 * denoiser: 128^3) waking and joining a second thread costs more than it saves, badly so when other
 * processes hold the cores.
 */
#define SMALL_WORK (1LL << 22)
static int threads_wanted = 1, threads_now = -1;

static void use_threads(int n) {
#ifndef __APPLE__
  if (n != threads_now) {
    openblas_set_num_threads(n);
    threads_now = n;
  }
#else
  (void)n;
#endif
}

#define THROW(env, msg)                         \
  do {                                          \
    napi_throw_error((env), NULL, (msg));       \
    return NULL;                                \
  } while (0)

static int get_f64(napi_env env, napi_value v, double *out) { return napi_get_value_double(env, v, out) == napi_ok; }

/* A strided view [batch, m, n] of a broadcast operand: element (b, i, j) is at off + b*sb + i*sm + j*sn. */
typedef struct {
  const float *p;
  int64_t sb, sm, sn;
} view3;

static inline float at(const view3 *v, int64_t b, int64_t i, int64_t j) { return v->p[b * v->sb + i * v->sm + j * v->sn]; }

static inline float activate(float x, int act, float alpha, float slope) {
  switch (act) {
    case ACT_RELU: return x < 0.0f ? 0.0f : x;
    case ACT_RELU6: return x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x);
    case ACT_PRELU: return x < 0.0f ? slope * x : x;
    case ACT_LEAKYRELU: return x < 0.0f ? alpha * x : x;
    case ACT_ELU: return x >= 0.0f ? x : expm1f(x);
    case ACT_SIGMOID: return 1.0f / (1.0f + expf(-x));
    default: return x;
  }
}

/*
 * gemm(heap, args: Float64Array) where args holds, in order:
 *  0 aOff, 1 bOff, 2 cOff (bytes), 3 batch, 4 strideA, 5 strideB (elements per batch member; 0 broadcasts),
 *  6 m, 7 n, 8 k, 9 transA, 10 transB,
 *  11 biasOff (-1: none), 12 biasSb, 13 biasSm, 14 biasSn,
 *  15 act, 16 leakyAlpha, 17 preluOff (-1: none), 18 preluSb, 19 preluSm, 20 preluSn
 * Output C is [batch, m, n] row-major and fully written.
 */
#define NARGS 21
static napi_value gemm(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) THROW(env, "gemm(heap, args): two arguments expected");
  void *heap = NULL;
  size_t heapLen = 0;
  if (napi_get_arraybuffer_info(env, argv[0], &heap, &heapLen) != napi_ok) THROW(env, "gemm: heap must be an ArrayBuffer");
  napi_typedarray_type type;
  size_t len = 0;
  void *data = NULL;
  if (napi_get_typedarray_info(env, argv[1], &type, &len, &data, NULL, NULL) != napi_ok || type != napi_float64_array || len < NARGS)
    THROW(env, "gemm: args must be a Float64Array of 21 numbers");
  const double *a = (const double *)data;
  const int64_t aOff = (int64_t)a[0], bOff = (int64_t)a[1], cOff = (int64_t)a[2];
  const int64_t batch = (int64_t)a[3], strideA = (int64_t)a[4], strideB = (int64_t)a[5];
  const int64_t m = (int64_t)a[6], n = (int64_t)a[7], k = (int64_t)a[8];
  const int transA = a[9] != 0, transB = a[10] != 0;
  const int64_t biasOff = (int64_t)a[11];
  const int act = (int)a[15];
  const float leaky = (float)a[16];
  const int64_t preluOff = (int64_t)a[17];
  if (batch < 0 || m < 0 || n < 0 || k < 0) THROW(env, "gemm: negative size");
  if (batch == 0 || m == 0 || n == 0) return NULL;
  if (m > INT32_MAX || n > INT32_MAX || k > INT32_MAX) THROW(env, "gemm: dimension over 2^31");
  /* Bounds: every matrix the call touches must lie inside the heap. */
  const int64_t cBytes = batch * m * n * 4;
  const int64_t aEnd = aOff + ((batch - 1) * strideA + m * k) * 4;
  const int64_t bEnd = bOff + ((batch - 1) * strideB + k * n) * 4;
  if (aOff < 0 || bOff < 0 || cOff < 0 || (aOff & 3) || (bOff & 3) || (cOff & 3) || (int64_t)heapLen < cOff + cBytes ||
      (k > 0 && ((int64_t)heapLen < aEnd || (int64_t)heapLen < bEnd)))
    THROW(env, "gemm: operand outside the wasm heap");
  char *base = (char *)heap;
  float *c = (float *)(base + cOff);
  if (k == 0) {
    memset(c, 0, (size_t)cBytes);
  } else {
    const float *pa = (const float *)(base + aOff);
    const float *pb = (const float *)(base + bOff);
    const int lda = (int)(transA ? m : k), ldb = (int)(transB ? k : n);
    use_threads(m * n * k < SMALL_WORK ? 1 : threads_wanted);
    for (int64_t i = 0; i < batch; i++) {
      cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k, 1.0f,
                  pa + i * strideA, lda, pb + i * strideB, ldb, 0.0f, c + i * m * n, (int)n);
    }
  }
  if (biasOff < 0 && act == ACT_LINEAR) return NULL;
  view3 bias = {NULL, 0, 0, 0}, prelu = {NULL, 0, 0, 0};
  if (biasOff >= 0) {
    bias.p = (const float *)(base + biasOff);
    bias.sb = (int64_t)a[12], bias.sm = (int64_t)a[13], bias.sn = (int64_t)a[14];
    int64_t end = biasOff + ((batch - 1) * bias.sb + (m - 1) * bias.sm + (n - 1) * bias.sn + 1) * 4;
    if ((biasOff & 3) || (int64_t)heapLen < end) THROW(env, "gemm: bias outside the wasm heap");
  }
  if (act == ACT_PRELU) {
    if (preluOff < 0) THROW(env, "gemm: prelu needs its weights");
    prelu.p = (const float *)(base + preluOff);
    prelu.sb = (int64_t)a[18], prelu.sm = (int64_t)a[19], prelu.sn = (int64_t)a[20];
    int64_t end = preluOff + ((batch - 1) * prelu.sb + (m - 1) * prelu.sm + (n - 1) * prelu.sn + 1) * 4;
    if ((preluOff & 3) || (int64_t)heapLen < end) THROW(env, "gemm: prelu weights outside the wasm heap");
  }
  for (int64_t b = 0; b < batch; b++) {
    for (int64_t i = 0; i < m; i++) {
      float *row = c + (b * m + i) * n;
      if (bias.p && bias.sn == 1) {
        const float *br = bias.p + b * bias.sb + i * bias.sm;
        for (int64_t j = 0; j < n; j++) row[j] += br[j];
      } else if (bias.p) {
        for (int64_t j = 0; j < n; j++) row[j] += at(&bias, b, i, j);
      }
      switch (act) {
        case ACT_LINEAR: break;
        case ACT_RELU: for (int64_t j = 0; j < n; j++) row[j] = row[j] < 0.0f ? 0.0f : row[j]; break;
        case ACT_LEAKYRELU: for (int64_t j = 0; j < n; j++) row[j] = row[j] < 0.0f ? leaky * row[j] : row[j]; break;
        case ACT_PRELU: for (int64_t j = 0; j < n; j++) row[j] = activate(row[j], act, leaky, at(&prelu, b, i, j)); break;
        default: for (int64_t j = 0; j < n; j++) row[j] = activate(row[j], act, leaky, 0.0f); break;
      }
    }
  }
  return NULL;
}


/*
 * adam(heap, args: Float64Array): one Adam update of one variable, outputs w1, m1, v1.
 * args: 0 wOff, 1 gOff, 2 mOff, 3 vOff, 4 w1Off, 5 m1Off, 6 v1Off (bytes), 7 n,
 *       8 beta1, 9 beta2, 10 stepSize, 11 vCorrection, 12 epsilon, 13 mode.
 * mode 0 rounds as @ddvi/core's JavaScript kernel (double arithmetic, one float32 rounding per
 * output); mode 1 as tfjs' op-by-op formula (every op in float32, scalars as float32 tensors), so
 * either path gives the same bits as the one it replaces.
 */
static napi_value adam(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) THROW(env, "adam(heap, args): two arguments expected");
  void *heap = NULL;
  size_t heapLen = 0;
  if (napi_get_arraybuffer_info(env, argv[0], &heap, &heapLen) != napi_ok) THROW(env, "adam: heap must be an ArrayBuffer");
  napi_typedarray_type type;
  size_t len = 0;
  void *data = NULL;
  if (napi_get_typedarray_info(env, argv[1], &type, &len, &data, NULL, NULL) != napi_ok || type != napi_float64_array || len < 14)
    THROW(env, "adam: args must be a Float64Array of 14 numbers");
  const double *a = (const double *)data;
  const int64_t n = (int64_t)a[7];
  for (int i = 0; i < 7; i++) {
    int64_t off = (int64_t)a[i];
    if (off < 0 || (off & 3) || off + n * 4 > (int64_t)heapLen) THROW(env, "adam: operand outside the wasm heap");
  }
  char *base = (char *)heap;
  const float *w = (const float *)(base + (int64_t)a[0]), *g = (const float *)(base + (int64_t)a[1]);
  const float *m = (const float *)(base + (int64_t)a[2]), *v = (const float *)(base + (int64_t)a[3]);
  float *w1 = (float *)(base + (int64_t)a[4]), *m1 = (float *)(base + (int64_t)a[5]), *v1 = (float *)(base + (int64_t)a[6]);
  const double b1 = a[8], b2 = a[9], stepSize = a[10], vc = a[11], eps = a[12];
  if (a[13] == 0) {
    const double c1 = 1 - b1, c2 = 1 - b2, invVc = 1 / vc;
    for (int64_t i = 0; i < n; i++) {
      const double gi = g[i];
      const double mi = b1 * m[i] + c1 * gi;
      const double vi = b2 * v[i] + c2 * gi * gi;
      m1[i] = (float)mi;
      v1[i] = (float)vi;
      w1[i] = (float)(w[i] - (stepSize * mi) / (sqrt(vi * invVc) + eps));
    }
  } else {
    const float fb1 = (float)b1, fc1 = (float)(1 - b1), fb2 = (float)b2, fc2 = (float)(1 - b2);
    const float fvc = (float)vc, feps = (float)eps, fstep = (float)stepSize;
    for (int64_t i = 0; i < n; i++) {
      const float gi = g[i];
      const float mi = fb1 * m[i] + fc1 * gi;
      const float gg = gi * gi;
      const float vi = fb2 * v[i] + fc2 * gg;
      const float denom = sqrtf(vi / fvc) + feps;
      const float q = mi / denom;
      m1[i] = mi;
      v1[i] = vi;
      w1[i] = w[i] - fstep * q;
    }
  }
  return NULL;
}


/* info() -> { library, config, threads } */
static napi_value info(napi_env env, napi_callback_info cbinfo) {
  (void)cbinfo;
  napi_value obj, v;
  napi_create_object(env, &obj);
  napi_create_string_utf8(env, BLAS_NAME, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, "library", v);
#ifdef __APPLE__
  napi_create_string_utf8(env, "Accelerate", NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, "config", v);
  napi_create_int32(env, 0, &v);
#else
  napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, "config", v);
  napi_create_int32(env, threads_wanted, &v);
#endif
  napi_set_named_property(env, obj, "threads", v);
  return obj;
}

/* setThreads(n): OpenBLAS's thread pool size for this process (Accelerate picks its own). */
static napi_value set_threads(napi_env env, napi_callback_info cbinfo) {
  size_t argc = 1;
  napi_value argv[1];
  double n = 1;
  if (napi_get_cb_info(env, cbinfo, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || !get_f64(env, argv[0], &n) || n < 1)
    THROW(env, "setThreads(n): a positive integer expected");
  threads_wanted = (int)n;
  use_threads(threads_wanted);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"gemm", NULL, gemm, NULL, NULL, NULL, napi_default, NULL},
      {"adam", NULL, adam, NULL, NULL, NULL, napi_default, NULL},
      {"info", NULL, info, NULL, NULL, NULL, napi_default, NULL},
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

NAPI_MODULE_INIT() { return init(env, exports); }
