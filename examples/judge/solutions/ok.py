# Correct: the sum of the two numbers on stdin.
a, b = map(int, input().split())
print(a + b)
