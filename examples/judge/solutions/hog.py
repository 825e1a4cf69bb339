# Touches far more memory than the limit.
blocks = []
while True:
    blocks.append(b"x" * (16 << 20))
