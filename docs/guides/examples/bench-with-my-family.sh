# Guide 4, last step: the example family in `ddvi bench`, loaded with --require and compared with
# the VAE on a tiny toy grid. Run from a folder where posterior-fixed-scale is installed.
ddvi list --require posterior-fixed-scale
ddvi bench --require posterior-fixed-scale \
  --datasets toy --families gaussian,fixed-scale --priors pinwheel --seeds 0 \
  --epochs 1 --steps-per-epoch 2 --hidden 16 --train-limit 128 --test-limit 64 --iwae-k 3 \
  --out runs/bench-fixed-scale
