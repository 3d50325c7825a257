"""srcgrad in one screen: differentiate a function with a loop and a branch, read the
generated gradient code, and check it against finite differences."""

import numpy as np

import srcgrad


def damped_energy(x, steps):
    """A toy simulation: a loop, a data-dependent branch and NumPy calls."""
    energy = 0.0
    v = x
    for _ in range(steps):
        if np.sum(v) > 0:
            v = np.tanh(v) * 0.9
        else:
            v = v * v - 0.1
        energy = energy + np.sum(v * v)
    return energy


def main():
    x = np.array([0.5, -0.3, 0.8])
    grad_energy = srcgrad.grad(damped_energy)      # gradient with respect to x

    print("energy:   ", damped_energy(x, 5))
    print("gradient: ", grad_energy(x, 5))
    print()
    print("The gradient code srcgrad generated for these arguments (grad_energy.source):")
    print()
    print(grad_energy.source)

    report = srcgrad.check_grad(damped_energy, x, 5)
    print(report)
    assert report.ok, "the gradient does not match finite differences"


if __name__ == "__main__":
    main()
