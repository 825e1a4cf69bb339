# Never ends: burns CPU until the CPU-time limit.
while True:
    pass
