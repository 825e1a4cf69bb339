# Tries to read the host's password hashes: /etc/shadow is not in the
# sandbox, so this fails with a runtime error.
print(open("/etc/shadow").read())
