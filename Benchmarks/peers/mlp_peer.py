#!/usr/bin/env python3
"""Python peer of hwnasd's MLP engine, run by `hwnas-bench speed` on the same data in the same run.

The same network (in -> 256 -> 256 -> 256 -> 1, ReLU, linear output), Adam (lr 1e-3), MSE loss,
mini-batches of 64, the same number of epochs the Swift run took, with the validation loss
computed after every epoch (as the Swift trainer does for early stopping).
Backend: PyTorch (CPU) when installed, else scikit-learn's MLPRegressor (float32).
Predict throughput is measured on the bench's 100,000-arch matrix in one batch; the
numpy/OpenBLAS float32 forward of the trained weights is reported too.

Input: float32 little-endian files written by the bench in --dir: x_train, y_train, x_val, y_val,
x_test, y_test, x_predict (*.f32). Output: one JSON line.
"""
import argparse
import json
import os
import resource
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--cols", type=int, required=True)
    ap.add_argument("--epochs", type=int, default=300)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch", type=int, default=64)
    args = ap.parse_args()
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    import numpy as np

    def load(name, cols=None):
        a = np.fromfile(os.path.join(args.dir, name + ".f32"), dtype="<f4")
        return a.reshape(-1, cols) if cols else a

    xtr, ytr = load("x_train", args.cols), load("y_train")
    xva, yva = load("x_val", args.cols), load("y_val")
    xte, yte = load("x_test", args.cols), load("y_test")
    xpr = load("x_predict", args.cols)
    hidden = (256, 256, 256)

    def best(repeats, fn):
        t = float("inf")
        for _ in range(repeats):
            s = time.perf_counter()
            fn()
            t = min(t, time.perf_counter() - s)
        return t

    try:
        import torch
        backend = "pytorch " + torch.__version__
    except ImportError:
        torch = None
        import sklearn
        backend = "scikit-learn " + sklearn.__version__

    if torch is not None:
        torch.set_num_threads(args.threads)
        torch.manual_seed(args.seed)
        layers, width = [], args.cols
        for h in hidden:
            layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
            width = h
        layers.append(torch.nn.Linear(width, 1))
        model = torch.nn.Sequential(*layers)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = torch.nn.MSELoss()
        Xtr, Ytr, Xva, Yva = map(torch.from_numpy, (xtr, ytr.reshape(-1, 1), xva, yva.reshape(-1, 1)))
        g = torch.Generator().manual_seed(args.seed)

        def train():
            for _ in range(args.epochs):
                perm = torch.randperm(len(Xtr), generator=g)
                for i in range(0, len(Xtr), args.batch):
                    idx = perm[i:i + args.batch]
                    opt.zero_grad()
                    loss = loss_fn(model(Xtr[idx]), Ytr[idx])
                    loss.backward()
                    opt.step()
                with torch.no_grad():
                    loss_fn(model(Xva), Yva).item()

        train_s = best(1, train)

        def predict(x):
            with torch.no_grad():
                return model(torch.from_numpy(x)).numpy().ravel()

        weights = [(m.weight.detach().numpy().T.copy(), m.bias.detach().numpy().copy())
                   for m in model if isinstance(m, torch.nn.Linear)]
    else:
        from sklearn.neural_network import MLPRegressor
        model = MLPRegressor(hidden_layer_sizes=hidden, activation="relu", solver="adam", alpha=0.0,
                             batch_size=args.batch, learning_rate_init=1e-3, max_iter=args.epochs, shuffle=True,
                             random_state=args.seed, tol=0.0, n_iter_no_change=args.epochs + 1,
                             early_stopping=False)

        def train():
            # partial_fit = one epoch; the validation loss is evaluated after each epoch like the Swift run.
            for _ in range(args.epochs):
                model.partial_fit(xtr, ytr)
                model.predict(xva)

        train_s = best(1, train)

        def predict(x):
            return model.predict(x)

        weights = [(w.astype(np.float32), b.astype(np.float32)) for w, b in zip(model.coefs_, model.intercepts_)]

    def numpy_forward(x):
        h = x
        for i, (w, b) in enumerate(weights):
            h = h @ w + b
            if i < len(weights) - 1:
                np.maximum(h, 0, out=h)
        return h.ravel()

    predict(xpr)
    predict_s = best(5, lambda: predict(xpr))
    numpy_s = best(5, lambda: numpy_forward(xpr))
    one = xpr[:1].copy()
    predict_one_s = best(200, lambda: predict(one))
    pte = predict(xte)
    mse = float(np.mean((pte - yte) ** 2))
    rank = lambda a: np.argsort(np.argsort(a))
    srcc = float(np.corrcoef(rank(pte), rank(yte))[0, 1])
    print(json.dumps({
        "backend": backend, "threads": args.threads, "epochs": args.epochs,
        "train_seconds": train_s, "predict_seconds": predict_s, "predict_numpy_seconds": numpy_s,
        "predict_one_seconds": predict_one_s, "test_mse": mse, "test_srcc": srcc,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
