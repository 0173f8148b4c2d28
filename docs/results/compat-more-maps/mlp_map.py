import json, sys, numpy as np, torch
torch.set_num_threads(1)
d = sys.argv[1]; n = int(sys.argv[2]); mode = sys.argv[3] if len(sys.argv) > 3 else 'chain'
idx = json.load(open(d + '/index.json'))
gl = np.array(idx['gallery_labels']); ql = np.array(idx['query_labels'])
nrm = lambda x: x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
V = []
for k, v in enumerate(idx['versions']):
    r = lambda name, m: nrm(np.fromfile(f'{d}/v{k}-{name}.f32', '<f4').astype(np.float64).reshape(m, -1))
    V.append(dict(g=r('gallery', len(gl)), q=r('queries', len(ql)), f=r('fit', len(idx['fit_labels']))))
def p1(G, Q):
    G = nrm(G); out = 0
    for s in range(0, len(Q), 2500):
        out += (gl[np.argmax(Q[s:s+2500] @ G.T, axis=1)] == ql[s:s+2500]).sum()
    return out / len(Q)
def lsq(X, Y, ridge=1e-4):
    mx = X.mean(0); my = Y.mean(0); Xc = X - mx
    A = Xc.T @ Xc; lam = ridge * np.trace(A) / X.shape[1]
    M = np.linalg.solve(A + lam * np.eye(X.shape[1]), Xc.T @ (Y - my)); b = my - mx @ M
    return lambda x: x @ M + b
def mlp(X, Y, hidden, wd, epochs, loss='cos', seed=0):
    torch.manual_seed(seed)
    lin = lsq(X, Y)
    Xt = torch.tensor(X, dtype=torch.float32); Yt = torch.tensor(Y, dtype=torch.float32)
    L0 = torch.tensor(lin(X), dtype=torch.float32)
    D = X.shape[1]
    net = torch.nn.Sequential(torch.nn.Linear(D, hidden), torch.nn.GELU(), torch.nn.Linear(hidden, Y.shape[1]))
    torch.nn.init.zeros_(net[2].weight); torch.nn.init.zeros_(net[2].bias)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=wd)
    for e in range(epochs):
        perm = torch.randperm(len(Xt))
        for s in range(0, len(Xt), 128):
            i = perm[s:s+128]
            P = L0[i] + net(Xt[i])
            l = (1 - torch.nn.functional.cosine_similarity(P, Yt[i])).mean() if loss == 'cos' else ((P - Yt[i])**2).sum(1).mean()
            opt.zero_grad(); l.backward(); opt.step()
    def f(x):
        with torch.no_grad():
            xt = torch.tensor(x, dtype=torch.float32)
            return (torch.tensor(lin(x), dtype=torch.float32) + net(xt)).double().numpy()
    return f
variants = {'LS': lambda X, Y: lsq(X, Y)}
for h in (256, 512):
    for wd in (1e-2, 1e-1):
        for ep in (50, 200):
            variants[f'mlp h{h} wd{wd} ep{ep}'] = (lambda h, wd, ep: lambda X, Y: mlp(X, Y, h, wd, ep))(h, wd, ep)
A = []; C = []; res = {}
for k in range(1, len(V)):
    a = p1(V[0]['g'], V[k]['q']); c = p1(V[k]['g'], V[k]['q']); A.append(a); C.append(c)
    for name, fit in variants.items():
        if mode == 'chain':
            g = V[0]['g']
            for j in range(1, k + 1):
                g = fit(V[j-1]['f'][:n], V[j]['f'][:n])(g)
        else:
            g = fit(V[0]['f'][:n], V[k]['f'][:n])(V[0]['g'])
        res.setdefault(name, []).append(p1(g, V[k]['q']))
    print(f'v{k} a {a:.4f} c {c:.4f} ' + ' '.join(f'{nm}={res[nm][-1]:.4f}' for nm in res), flush=True)
A = np.array(A); C = np.array(C); gap = (C - A).sum()
for nm, l in res.items():
    print(f'{100 * (np.array(l) - A).sum() / gap:6.1f}%  {nm}')
