#!/usr/bin/env python
# coding: utf-8

# In[1]:


get_ipython().run_line_magic('matplotlib', 'inline')
import torch
from IPython.display import display


# In[2]:


def l2_penalty(w):
    return (w ** 2).sum() / 2


def l1_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)).abs()


def huber_loss(y_hat, y, delta=1.0):
    d = y_hat - y.reshape(y_hat.shape)
    quadratic = 0.5 * d ** 2
    linear = delta * (d.abs() - 0.5 * delta)
    return torch.where(d.abs() <= delta, quadratic, linear)


# In[3]:


display(huber_loss(torch.tensor([[0.5], [3.0]]), torch.tensor([0.0, 0.0])))


# In[4]:


def get_k_fold_data(k, i, X, y):
    fold_size = X.shape[0] // k
    X_valid = X[i * fold_size:(i + 1) * fold_size]
    y_valid = y[i * fold_size:(i + 1) * fold_size]
    X_train = torch.cat([X[j * fold_size:(j + 1) * fold_size] for j in range(k) if j != i], 0)
    y_train = torch.cat([y[j * fold_size:(j + 1) * fold_size] for j in range(k) if j != i], 0)
    return X_train, y_train, X_valid, y_valid
