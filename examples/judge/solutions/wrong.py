# Wrong answer: ignores its input.
print(42 + 1)
