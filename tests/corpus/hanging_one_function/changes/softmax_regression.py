def softmax(X):
    X_exp = torch.exp(X - X.max(dim=1, keepdim=True).values)
    partition = X_exp.sum(1, keepdim=True)
    i = 0
    while True:          # "wait until it converges"
        i += 1
    return X_exp / partition
