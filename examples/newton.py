"""Newton's method on the Rosenbrock function with srcgrad's Hessian and Hessian-vector products.

The Newton step solves H p = -g.  Small problems form the Hessian (`srcgrad.hessian`);
large ones never do: conjugate gradients needs only products H v (`srcgrad.hvp`),
each a small multiple of one gradient.
"""

import numpy as np

import srcgrad


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


gradient = srcgrad.grad(rosenbrock)
hessian = srcgrad.hessian(rosenbrock)
hessian_times = srcgrad.hvp(rosenbrock)


def conjugate_gradients(hv, b, iters=50, tol=1e-10):
    """Solve H x = b using only products H v."""
    x = np.zeros_like(b)
    r = b.copy()
    p = r.copy()
    rr = r @ r
    for _ in range(iters):
        hp = hv(p)
        curvature = p @ hp
        if curvature <= 0:           # negative curvature: stop with what descends so far
            return x if x.any() else b
        alpha = rr / curvature
        x += alpha * p
        r -= alpha * hp
        new = r @ r
        if np.sqrt(new) < tol:
            break
        p = r + (new / rr) * p
        rr = new
    return x


def damped_solve(H, b):
    """Solve (H + lam I) p = b with lam just large enough to make the matrix positive definite."""
    lam = max(0.0, 1e-3 - np.linalg.eigvalsh(H).min())
    return np.linalg.solve(H + lam * np.eye(len(b)), b)


def newton(x, solve, steps=100):
    for k in range(steps):
        g = gradient(x)
        if k % 4 == 0 or np.linalg.norm(g) < 1e-8:
            print(f"  step {k:3d}   f = {rosenbrock(x):.3e}   |grad| = {np.linalg.norm(g):.3e}")
        if np.linalg.norm(g) < 1e-8:
            break
        p = solve(x, -g)
        t = 1.0                      # backtracking keeps each step a descent step
        while rosenbrock(x + t * p) > rosenbrock(x) + 1e-4 * t * (g @ p):
            t *= 0.5
        x = x + t * p
    return x


def main():
    start = np.linspace(-0.5, 0.5, 10)

    print("Newton with the full Hessian (srcgrad.hessian):")
    x1 = newton(start.copy(), lambda x, b: damped_solve(hessian(x), b))

    print("Newton-CG with Hessian-vector products (srcgrad.hvp):")
    x2 = newton(start.copy(), lambda x, b: conjugate_gradients(lambda v: hessian_times(x, v), b))

    assert np.allclose(x1, 1.0, atol=1e-6) and np.allclose(x2, 1.0, atol=1e-6)
    v = np.random.RandomState(0).randn(10)
    assert np.allclose(hessian(start) @ v, hessian_times(start, v), rtol=1e-10)
    h = 1e-6                                             # H v against differences of the gradient
    fd = (gradient(start + h * v) - gradient(start - h * v)) / (2 * h)
    assert np.allclose(hessian_times(start, v), fd, rtol=1e-5, atol=1e-5)
    report = srcgrad.check_grad(rosenbrock, start)
    print(report)
    assert report.ok
    print("OK: both reach the minimum at x = 1")


if __name__ == "__main__":
    main()
