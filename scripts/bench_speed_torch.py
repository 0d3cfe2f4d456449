#!/usr/bin/env python3
"""PyTorch CPU reference for scripts/bench-speed.mjs: the same training steps, timed the same way.

Not part of any package (PyTorch is never a dependency of ddvi). Reads a JSON list of cases from
argv[1], e.g. [{"family": "vae", "batch": 128, "T": 40, "threads": 1, "steps": 10, "warmup": 3}],
and prints one JSON object per case on stdout: {"case": ..., "times_ms": [...]}.

Each family mirrors what ddvi's Trainer does for one step on the paper's MNIST setting (784 pixels,
2 latents, encoder/decoder MLPs 1000 -> 1000 with LeakyReLU(0.2) and dropout, Bernoulli pixels, a
2-D mixture prior standing in for the pinwheel (its density costs nothing next to the MLPs), Adam):
  vae   mean-field Gaussian encoder (sigmoid scale), ELBO with the Monte-Carlo KL
  ddvi  encoder + context encoder (dropout 0.4) + a 4-layer width-128 conditional denoiser with
        per-step embeddings, the reverse chain unrolled over T steps (DDPM mean, learned variance,
        Rao-Blackwellized log-ratio: packages/posterior-diffusion's default 'bound' wake), then
        3 sleep updates (prior draw, decoder without gradient, sampled fantasy, Huber loss) on the
        denoiser and the context encoder with their own Adam
  iaf   Gaussian encoder with a 10-wide context head + 4 IAF steps (MADE 128 x 3, sigmoid gate)
  aae   deterministic encoder; reconstruction update, then a discriminator update (2 -> 1000 ->
        1000 -> 1) and a generator update, as the adversarial posterior's auxiliary losses
  conv-vae  the spec's CIFAR-10 networks (§6) for 3x32x32 images in [0, 1]: conv trunk (3->16 k3 p1, 16->32 k4 s2,
        32->64 k5 s2, 64->128 k5 s2, ReLU, no BatchNorm as in ours) -> 1000 (LeakyReLU, dropout 0.2) -> (mu, s); decoder
        Linear(2 -> 64) + ReLU -> ConvT 64->64 k5 s2, 64->32 k5 s2, 32->16 k5 s2, 16->3 k4 -> sigmoid; Gaussian
        likelihood with sigma^2 = 1/2 (sum of squared errors); mean-field ELBO as vae
  gemm  one [m, k] x [k, n] product ({"family": "gemm", "m": 128, "k": 1000, "n": 1000, ...}), the
        ceiling check: every step above is mostly such products
"""
import json
import math
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F

PIXELS, LATENT, HIDDEN = 784, 2, 1000


def mlp(inp, outs, dropout):
    layers = [nn.Linear(inp, HIDDEN), nn.LeakyReLU(0.2), nn.Dropout(dropout), nn.Linear(HIDDEN, HIDDEN), nn.LeakyReLU(0.2), nn.Dropout(dropout)]
    return nn.Sequential(*layers), nn.Linear(HIDDEN, sum(outs)), outs


class Heads(nn.Module):
    def __init__(self, inp, outs, dropout):
        super().__init__()
        self.body, self.head, self.outs = mlp(inp, outs, dropout)

    def forward(self, x):
        return torch.split(self.head(self.body(x)), self.outs, dim=1)


class Prior:
    """Five-component Gaussian mixture on a ring (the pinwheel's cost class)."""

    def __init__(self):
        ang = torch.arange(5) * 2 * math.pi / 5
        self.means = torch.stack([2 * torch.cos(ang), 2 * torch.sin(ang)], 1)
        self.std = 0.5

    def log_prob(self, z):
        d = (z[:, None, :] - self.means[None]) / self.std
        comp = -0.5 * (d ** 2).sum(-1) - 2 * math.log(self.std) - math.log(2 * math.pi)
        return torch.logsumexp(comp, 1) - math.log(5)

    def sample(self, n):
        k = torch.randint(0, 5, (n,))
        return self.means[k] + self.std * torch.randn(n, 2)


def bce(logits, x):
    return F.binary_cross_entropy_with_logits(logits, x, reduction='none').sum(1)


def normal_logpdf(x, mu, logvar):
    return -0.5 * (((x - mu) ** 2) / logvar.exp() + logvar + math.log(2 * math.pi)).sum(1)


class Vae:
    def __init__(self, batch):
        self.enc, self.dec, self.prior = Heads(PIXELS, [LATENT, LATENT], 0.2), Heads(LATENT, [PIXELS], 0.2), Prior()
        self.opt = torch.optim.Adam(list(self.enc.parameters()) + list(self.dec.parameters()), lr=1e-4)

    def step(self, x):
        mu, s = self.enc(x)
        scale = torch.sqrt(torch.sigmoid(s) + 1e-8)
        z = mu + scale * torch.randn_like(mu)
        logq = normal_logpdf(z, mu, 2 * scale.log())
        (logits,) = self.dec(z)
        loss = (bce(logits, x) + logq - self.prior.log_prob(z)).mean()
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        return loss.item()


class MaskedLinear(nn.Linear):
    def __init__(self, inp, out, mask):
        super().__init__(inp, out)
        self.register_buffer('mask', mask)

    def forward(self, x):
        return F.linear(x, self.weight * self.mask, self.bias)


class Made(nn.Module):
    def __init__(self, d, hidden, context):
        super().__init__()
        deg_in = torch.arange(1, d + 1)
        degs = [deg_in] + [torch.arange(h) % max(d - 1, 1) + 1 for h in hidden]
        self.layers = nn.ModuleList(MaskedLinear(degs[i].numel(), hidden[i], (degs[i + 1][:, None] >= degs[i][None]).float()) for i in range(len(hidden)))
        out_deg = deg_in.repeat(2)
        self.out = MaskedLinear(hidden[-1], 2 * d, (out_deg[:, None] > degs[-1][None]).float())
        self.ctx = nn.Linear(context, hidden[0])

    def forward(self, z, h):
        a = F.relu(self.layers[0](z) + self.ctx(h))
        for layer in self.layers[1:]:
            a = F.relu(layer(a))
        return torch.chunk(self.out(a), 2, dim=1)


class Iaf(Vae):
    def __init__(self, batch):
        self.enc, self.dec, self.prior = Heads(PIXELS, [LATENT, LATENT, 10], 0.2), Heads(LATENT, [PIXELS], 0.2), Prior()
        self.flows = nn.ModuleList(Made(LATENT, [128, 128, 128], 10) for _ in range(4))
        self.opt = torch.optim.Adam(list(self.enc.parameters()) + list(self.dec.parameters()) + list(self.flows.parameters()), lr=1e-4)

    def step(self, x):
        mu, s, h = self.enc(x)
        scale = torch.sqrt(torch.sigmoid(s) + 1e-8)
        eps = torch.randn_like(mu)
        z = mu + scale * eps
        logq = normal_logpdf(z, mu, 2 * scale.log())
        for i, made in enumerate(self.flows):
            m, g = made(z, h)
            gate = torch.sigmoid(g)
            z = gate * z + (1 - gate) * m
            logq = logq - gate.log().sum(1)
            if i % 2 == 1:
                z = z.flip(1)
        (logits,) = self.dec(z)
        loss = (bce(logits, x) + logq - self.prior.log_prob(z)).mean()
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        return loss.item()


class Denoiser(nn.Module):
    """ConditionalModelWAUX: Linear(h) + E_l[t], ReLU, residual into odd layers, linear head."""

    def __init__(self, T, width=128, layers=4, context=2):
        super().__init__()
        self.lin = nn.ModuleList(nn.Linear(LATENT + context if i == 0 else width, width) for i in range(layers))
        self.emb = nn.ModuleList(nn.Embedding(T, width) for _ in range(layers))
        self.head = nn.Linear(width, 2 * LATENT)

    def forward(self, y, a, t):
        h, outs = torch.cat([y, a], 1), []
        for i, (lin, emb) in enumerate(zip(self.lin, self.emb)):
            o = F.relu(lin(h) + emb(t))
            if i >= 2 and i % 2 == 0:
                o = o + outs[i - 2]
            outs.append(o)
            h = o
        return self.head(h)


class Ddvi:
    def __init__(self, batch, T):
        self.T = T
        self.enc, self.ctx, self.dec, self.prior = Heads(PIXELS, [LATENT, LATENT], 0.2), Heads(PIXELS, [2], 0.4), Heads(LATENT, [PIXELS], 0.2), Prior()
        self.den = Denoiser(T)
        betas = torch.linspace(1e-4, 0.02, T) if T > 1 else torch.tensor([1e-4])
        self.beta = betas
        self.abar = torch.cumprod(1 - betas, 0)
        abar_prev = torch.cat([torch.ones(1), self.abar[:-1]])
        self.btilde = torch.where(torch.arange(T) == 0, betas, betas * (1 - abar_prev) / (1 - self.abar))
        self.abar_prev = abar_prev
        params = [p for m in (self.enc, self.ctx, self.dec, self.den) for p in m.parameters()]
        self.opt = torch.optim.Adam(params, lr=1e-4)
        self.sleep_opt = torch.optim.Adam(list(self.den.parameters()) + list(self.ctx.parameters()), lr=1e-4)

    def step(self, x):
        B, T = x.shape[0], self.T
        mu, logvar = self.enc(x)
        (a,) = self.ctx(x)
        eps0 = torch.randn_like(mu)
        y = mu + (0.5 * logvar).exp() * eps0
        smoothed = -0.5 * (logvar + 1 + math.log(2 * math.pi)).sum(1)
        log_r = torch.zeros(B)
        for t in range(T, 0, -1):
            i = t - 1
            out = self.den(y, a, torch.full((B,), i, dtype=torch.long))
            e, head = out[:, :LATENT], out[:, LATENT:]
            # DDPM mean at the implied y0
            y0 = (y - (1 - self.abar[i]).sqrt() * e) / self.abar[i].sqrt()
            c0 = self.abar_prev[i].sqrt() * self.beta[i] / (1 - self.abar[i])
            ct = (1 - self.beta[i]).sqrt() * (1 - self.abar_prev[i]) / (1 - self.abar[i])
            mean = c0 * y0 + ct * y
            u = torch.sigmoid(head)
            logv = self.btilde[i].log() + u * (self.beta[i].log() - self.btilde[i].log())
            nxt = mean + (0.5 * logv).exp() * torch.randn_like(mean)
            # closed-form E[log q(y_{t-1} | y_t) - log r(y_t | y_{t-1})]
            fa, fb = (1 - self.beta[i]).sqrt(), self.beta[i]
            quad = ((y - fa * mean) ** 2 + fa ** 2 * logv.exp()) / fb
            smoothed = smoothed + (-0.5 * (logv + 1 + math.log(2 * math.pi)) + 0.5 * (quad + fb.log() + math.log(2 * math.pi))).sum(1)
            log_r = log_r + normal_logpdf(y, fa * nxt, fb.log().expand_as(y))
            y = nxt
        (logits,) = self.dec(y)
        loss = (bce(logits, x) + smoothed - self.prior.log_prob(y)).mean() + 0 * log_r.mean()
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        for _ in range(3):
            z = self.prior.sample(B)
            with torch.no_grad():
                (fl,) = self.dec(z)
                fantasy = torch.bernoulli(torch.sigmoid(fl))
            (a2,) = self.ctx(fantasy)
            t = torch.randint(0, T, (B,))
            noise = torch.randn_like(z)
            yt = self.abar[t, None].sqrt() * z + (1 - self.abar[t, None]).sqrt() * noise
            pred = self.den(yt, a2, t)[:, :LATENT]
            sleep = F.smooth_l1_loss(pred, noise)
            self.sleep_opt.zero_grad(set_to_none=True)
            sleep.backward()
            self.sleep_opt.step()
        return loss.item()


class Aae:
    def __init__(self, batch):
        self.enc, self.dec, self.disc, self.prior = Heads(PIXELS, [LATENT], 0.2), Heads(LATENT, [PIXELS], 0.2), Heads(LATENT, [1], 0.2), Prior()
        self.opt = torch.optim.Adam(list(self.enc.parameters()) + list(self.dec.parameters()), lr=1e-4)
        self.d_opt = torch.optim.Adam(self.disc.parameters(), lr=1e-4)
        self.g_opt = torch.optim.Adam(self.enc.parameters(), lr=1e-4)

    def step(self, x):
        (z,) = self.enc(x)
        (logits,) = self.dec(z)
        loss = bce(logits, x).mean()
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        (z,) = self.enc(x)
        z = z.detach()
        real = self.prior.sample(x.shape[0])
        d_real = torch.sigmoid(self.disc(real * (1 + 0.3 * torch.randn_like(real)))[0])
        d_fake = torch.sigmoid(self.disc(z * (1 + 0.3 * torch.randn_like(z)))[0])
        d_loss = -6 * (torch.log(d_real + 1e-15) + torch.log(1 - d_fake + 1e-15)).mean()
        self.d_opt.zero_grad(set_to_none=True)
        d_loss.backward()
        self.d_opt.step()
        (z,) = self.enc(x)
        g_loss = -6 * torch.log(torch.sigmoid(self.disc(z)[0]) + 1e-15).mean()
        self.g_opt.zero_grad(set_to_none=True)
        g_loss.backward()
        self.g_opt.step()
        return loss.item()


class ConvTrunk(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, 16, 3, 1, 1), nn.ReLU(), nn.Conv2d(16, 32, 4, 2), nn.ReLU(),
            nn.Conv2d(32, 64, 5, 2), nn.ReLU(), nn.Conv2d(64, 128, 5, 2), nn.ReLU(), nn.Flatten())

    def forward(self, x):
        return self.net(x)


class ConvDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(LATENT, 64)
        self.net = nn.Sequential(
            nn.ConvTranspose2d(64, 64, 5, 2), nn.ReLU(), nn.ConvTranspose2d(64, 32, 5, 2), nn.ReLU(),
            nn.ConvTranspose2d(32, 16, 5, 2), nn.ReLU(), nn.ConvTranspose2d(16, 3, 4, 1))

    def forward(self, z):
        return self.net(F.relu(self.inp(z)).view(-1, 64, 1, 1))


class ConvVae:
    def __init__(self, batch):
        self.trunk = ConvTrunk()
        self.body = nn.Sequential(nn.Linear(128, HIDDEN), nn.LeakyReLU(0.2), nn.Dropout(0.2))
        self.head = nn.Linear(HIDDEN, 2 * LATENT)
        self.dec, self.prior = ConvDecoder(), Prior()
        params = [p for m in (self.trunk, self.body, self.head, self.dec) for p in m.parameters()]
        self.opt = torch.optim.Adam(params, lr=1e-4)

    def step(self, x):
        mu, s = torch.chunk(self.head(self.body(self.trunk(x))), 2, dim=1)
        scale = torch.sqrt(torch.sigmoid(s) + 1e-8)
        z = mu + scale * torch.randn_like(mu)
        logq = normal_logpdf(z, mu, 2 * scale.log())
        mean = torch.sigmoid(self.dec(z))
        nll = ((mean - x) ** 2).flatten(1).sum(1) + 0.5 * 3072 * math.log(math.pi)
        loss = (nll + logq - self.prior.log_prob(z)).mean()
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        return loss.item()


def run_gemm(case):
    """One [m, k] x [k, n] matrix product: the kernel that bounds every step here."""
    a, b = torch.randn(case['m'], case['k']), torch.randn(case['k'], case['n'])
    for _ in range(case['warmup']):
        a @ b
    times = []
    for _ in range(case['steps']):
        t0 = time.perf_counter()
        a @ b
        times.append((time.perf_counter() - t0) * 1000)
    return times


def run(case):
    torch.set_num_threads(case['threads'])
    torch.manual_seed(0)
    if case['family'] == 'gemm':
        return run_gemm(case)
    B = case['batch']
    fam = case['family']
    model = Ddvi(B, case.get('T', 40)) if fam == 'ddvi' else {'vae': Vae, 'iaf': Iaf, 'aae': Aae, 'conv-vae': ConvVae}[fam](B)
    x = torch.rand(B, 3, 32, 32) if fam == 'conv-vae' else (torch.rand(B, PIXELS) < 0.13).float()
    for _ in range(case['warmup']):
        model.step(x)
    times = []
    for _ in range(case['steps']):
        t0 = time.perf_counter()
        model.step(x)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def main():
    cases = json.loads(sys.argv[1])
    for case in cases:
        print(json.dumps({'case': case, 'times_ms': run(case), 'torch': torch.__version__}), flush=True)


if __name__ == '__main__':
    main()
