# Guide 4, last step: the example family in ddvi, loaded with --require: listed, trained and
# evaluated (eval reads the plugin from run.json), then compared with the VAE on a tiny toy grid.
# Run from a folder where posterior-fixed-scale and @ddvi/cli are installed (npx runs that ddvi).
set -e
npx ddvi list --require posterior-fixed-scale
npx ddvi train --require posterior-fixed-scale --posterior fixed-scale \
  --dataset toy --epochs 1 --steps-per-epoch 2 --hidden 16 --train-limit 128 --test-limit 64 --iwae-k 3 \
  --out runs/train-fixed-scale
npx ddvi eval --checkpoint runs/train-fixed-scale/checkpoint.json --iwae-k 3
npx ddvi bench --require posterior-fixed-scale \
  --datasets toy --families gaussian,fixed-scale --priors pinwheel --seeds 0 \
  --epochs 1 --steps-per-epoch 2 --hidden 16 --train-limit 128 --test-limit 64 --iwae-k 3 \
  --out runs/bench-fixed-scale
