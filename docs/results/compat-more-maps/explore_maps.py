import json, sys, numpy as np
d = sys.argv[1]
idx = json.load(open(d + '/index.json'))
gl = np.array(idx['gallery_labels']); ql = np.array(idx['query_labels']); fl = np.array(idx['fit_labels'])
V = []
for k, v in enumerate(idx['versions']):
    dim = v['dim']
    r = lambda name, n: np.fromfile(f'{d}/v{k}-{name}.f32', '<f4').astype(np.float64).reshape(n, -1)
    V.append(dict(g=r('gallery', len(gl)), q=r('queries', len(ql)), f=r('fit', len(fl)),
                  w=np.fromfile(f'{d}/v{k}-class-weights.f32', '<f4').astype(np.float64).reshape(-1, dim)))
nrm = lambda x: x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
for v in V:
    for key in 'gqf': v[key] = nrm(v[key])
print('class weights shape', V[0]['w'].shape)
def p1(G, Q):
    G = nrm(G); out = 0
    for s in range(0, len(Q), 2500):
        out += (gl[np.argmax(Q[s:s+2500] @ G.T, axis=1)] == ql[s:s+2500]).sum()
    return out / len(Q)
def lsq(X, Y, ridge, affine=False, wts=None):
    mx = X.mean(0) if affine else 0; my = Y.mean(0) if affine else 0
    Xc = X - mx; Yc = Y - my
    if wts is not None: Xw = Xc * wts[:, None]
    else: Xw = Xc
    A = Xw.T @ Xc; lam = ridge * np.trace(A) / X.shape[1]
    M = np.linalg.solve(A + lam * np.eye(X.shape[1]), Xw.T @ Yc)
    b = my - mx @ M if affine else np.zeros(Y.shape[1])
    return lambda x: x @ M + b
def lsW(X, Y, Wx, Wy, alpha, ridge, affine=False):
    # append class-weight rows (unit) of both versions, each repeated as weight alpha*n/C
    Wx = nrm(Wx); Wy = nrm(Wy)
    n = len(X); C = len(Wx)
    wts = np.concatenate([np.ones(n), np.full(C, alpha * n / C)])
    return lsq(np.vstack([X, Wx]), np.vstack([Y, Wy]), ridge, affine, wts)
def cosls(X, Y, ridge, iters=5, affine=False):
    # iteratively rescale source rows so the fit cares about direction: s_i = <x_i M, y_i>/|x_i M|^2
    s = np.ones(len(X))
    for _ in range(iters):
        f = lsq(X * s[:, None], Y, ridge, affine)
        P = f(X)
        s = s * 0 + (P * Y).sum(1) / np.maximum((P * P).sum(1), 1e-12)
    return lambda x: f(x)
def rrr(X, Y, ridge, rank):
    M = np.linalg.solve(X.T @ X + ridge * np.trace(X.T @ X) / X.shape[1] * np.eye(X.shape[1]), X.T @ Y)
    F = X @ M
    _, _, Vt = np.linalg.svd(F, full_matrices=False)
    P = Vt[:rank].T @ Vt[:rank]
    M = M @ P
    return lambda x: x @ M
def whiten_ls(X, Y, ridge):
    # map in whitened target space? fit LS to target, then zca-whiten both mapped old and (at query time) nothing -> not deployable; skip
    return lsq(X, Y, ridge)
variants = {}
for r in (1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 3e-2, 1e-1):
    variants[f'LS {r:g}'] = (lambda r: lambda X, Y, Wx, Wy: lsq(X, Y, r))(r)
    variants[f'aff LS {r:g}'] = (lambda r: lambda X, Y, Wx, Wy: lsq(X, Y, r, True))(r)
for a in (0.05, 0.1, 0.25, 0.5, 1.0):
    for r in (1e-4, 1e-2):
        variants[f'LS+W a{a} {r:g}'] = (lambda a, r: lambda X, Y, Wx, Wy: lsW(X, Y, Wx, Wy, a, r))(a, r)
        variants[f'aff LS+W a{a} {r:g}'] = (lambda a, r: lambda X, Y, Wx, Wy: lsW(X, Y, Wx, Wy, a, r, True))(a, r)
for r in (1e-4, 1e-2):
    variants[f'cosLS {r:g}'] = (lambda r: lambda X, Y, Wx, Wy: cosls(X, Y, r))(r)
    variants[f'aff cosLS {r:g}'] = (lambda r: lambda X, Y, Wx, Wy: cosls(X, Y, r, affine=True))(r)
for rk in (16, 32, 64):
    variants[f'RRR {rk}'] = (lambda rk: lambda X, Y, Wx, Wy: rrr(X, Y, 1e-4, rk))(rk)
import re
if len(sys.argv) > 3 and sys.argv[3] != '-':
    variants = {k: v for k, v in variants.items() if re.search(sys.argv[3], k)}
sizes = [int(s) for s in sys.argv[2].split(',')] if len(sys.argv) > 2 else [1000]
A = []; Cc = []; res = {}
for k in range(1, len(V)):
    a = p1(V[0]['g'], V[k]['q']); c = p1(V[k]['g'], V[k]['q']); A.append(a); Cc.append(c)
    for n in sizes:
        for name, f in variants.items():
            chain = V[0]['g']
            for j in range(1, k + 1):
                chain = f(V[j-1]["f"][:n], V[j]["f"][:n], V[j-1]["w"], V[j]["w"])(chain)
            res.setdefault((n, name, 'chain'), []).append(p1(chain, V[k]['q']))
            if n == max(sizes) and len(sys.argv) > 4:
                direct = f(V[0]['f'][:n], V[k]['f'][:n], V[0]['w'], V[k]['w'])(V[0]['g'])
                res.setdefault((n, name, 'direct'), []).append(p1(direct, V[k]['q']))
    print(f'v{k}: a {a:.4f} c {c:.4f}', flush=True)
A = np.array(A); Cc = np.array(Cc); gap = (Cc - A).sum()
print('gap sum', gap, 'per version', np.round(Cc - A, 4))
rows = [((np.array(l) - A).sum() / gap, key, np.round((np.array(l) - A) / (Cc - A), 2)) for key, l in res.items()]
for r in sorted(rows, key=lambda r: -r[0]):
    print(f'{100*r[0]:6.1f}%  {r[1][0]:5d} {r[1][2]:6s} {r[1][1]:24s} {r[2]}')
