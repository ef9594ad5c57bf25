"""Draw the book's social-card image, assets/preview.png (1200 x 630 pixels).

    .venv/bin/python tools/make_preview.py

Link previews (Open Graph, Twitter cards) show it next to the book's title.
It is the book in one picture: the loss landscape of chapter 1's thermometer
(inputs scaled as in chapter 4) and the path gradient descent takes across it.
The PNG is committed; run this again only to change the picture.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "assets" / "preview.png"

t_c = np.array([0.5, 14.0, 15.0, 28.0, 11.0, 8.0, 3.0, -4.0, 6.0, 13.0, 21.0])
t_u = np.array([35.7, 55.9, 58.2, 81.9, 56.3, 48.9, 33.9, 21.8, 48.4, 60.4, 68.4])
t_un = 0.1 * t_u


def loss(w, b):
    return ((w[..., None] * t_un + b[..., None] - t_c) ** 2).mean(axis=-1)


def descent(lr=1e-2, n_epochs=5000):
    w, b = 1.0, 0.0
    path = [(w, b)]
    for _ in range(n_epochs):
        err = w * t_un + b - t_c
        w, b = w - lr * 2 * (err * t_un).mean(), b - lr * 2 * err.mean()
        path.append((w, b))
    return np.array(path)


def main():
    ink, paper, accent = "#1f2937", "#f8fafc", "#ee4c2c"
    fig = plt.figure(figsize=(12, 6.3), dpi=100, facecolor=paper)
    fig.text(0.05, 0.70, "How PyTorch Learns", fontsize=40, weight="bold", color=ink)
    fig.text(
        0.05, 0.57, "How a model finds its parameters, from a", fontsize=18, color=ink
    )
    fig.text(
        0.05, 0.50, "thermometer without units to torch.optim", fontsize=18, color=ink
    )
    fig.text(
        0.05,
        0.30,
        "Gradients by hand  ·  the training loop\nautograd  ·  optimizers  ·  nn.Module",
        fontsize=16,
        color="#475569",
        linespacing=1.6,
    )
    fig.text(
        0.05,
        0.10,
        "An interactive course book: read it, run it, move the sliders",
        fontsize=14,
        color="#475569",
        style="italic",
    )

    ax = fig.add_axes([0.665, 0.11, 0.31, 0.82])
    w, b = np.meshgrid(np.linspace(-1, 8, 300), np.linspace(-25, 10, 300))
    ax.contourf(w, b, np.log10(loss(w, b)), levels=24, cmap="Blues_r")
    path = descent()
    keep = np.unique(np.geomspace(1, len(path) - 1, 60).astype(int))
    ax.plot(
        path[np.r_[0, keep], 0],
        path[np.r_[0, keep], 1],
        "-o",
        color=accent,
        ms=3.5,
        lw=2,
    )
    ax.plot(*path[-1], "*", color="white", ms=18, mec=accent, mew=1.5)
    ax.set_xlabel("w", color=ink, fontsize=14)
    ax.set_ylabel("b", color=ink, fontsize=14)
    ax.tick_params(colors="#475569")
    for spine in ax.spines.values():
        spine.set_visible(False)
    # No date or software version in the file: the same picture, the same bytes.
    fig.savefig(OUT, facecolor=paper, metadata={"Software": None})
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
