import json, sys, numpy as np
def load(d):
    idx = json.load(open(d + '/index.json'))
    gl = np.array(idx['gallery_labels']); ql = np.array(idx['query_labels'])
    V = []
    for k, v in enumerate(idx['versions']):
        r = lambda name, n: np.fromfile(f'{d}/v{k}-{name}.f32', '<f4').astype(np.float64).reshape(n, -1)
        V.append(dict(g=r('gallery', len(gl)), q=r('queries', len(ql))))
    return gl, ql, V
nrm = lambda x: x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
for d in sys.argv[1:]:
    gl, ql, V = load(d)
    def p1(G, Q):
        G = nrm(G); Q = nrm(Q)
        return (gl[np.argmax(Q @ G.T, axis=1)] == ql).mean()
    print(d)
    print('  adjacent (q_k vs g_{k-1}):', [round(100*p1(V[k-1]['g'], V[k]['q']), 2) for k in range(1, len(V))])
    print('  own (c):                  ', [round(100*p1(V[k]['g'], V[k]['q']), 2) for k in range(1, len(V))])
    print('  vs v0 (a):                ', [round(100*p1(V[0]['g'], V[k]['q']), 2) for k in range(1, len(V))])
