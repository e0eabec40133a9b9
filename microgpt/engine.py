"""Act 2, the engine: a number that remembers how it was made, so it can hand back
its gradient."""

# --8<-- [start:value]
import math  # math.log, math.exp


class Value:
    """One scalar in the computation graph: its value, its gradient, its origin."""

    __slots__ = ("data", "grad", "_children", "_local_grads")  # no __dict__

    def __init__(self, data, children=(), local_grads=()):
        self.data = data                 # the number, computed in the forward pass
        self.grad = 0                    # d(loss)/d(this), filled in by backward()
        self._children = children        # the Values this one was computed from
        self._local_grads = local_grads  # d(this)/d(child), known at creation

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"

    # --8<-- [start:operations]
    # Each operation returns its result with its local gradient towards each input.
    def __add__(self, other):  # d(a+b)/da = 1, d(a+b)/db = 1
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1, 1))

    def __mul__(self, other):  # d(a*b)/da = b, d(a*b)/db = a
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, k):  # d(a**k)/da = k * a**(k-1), for a plain number k
        return Value(self.data**k, (self,), (k * self.data ** (k - 1),))

    def log(self):  # d(ln a)/da = 1/a
        return Value(math.log(self.data), (self,), (1 / self.data,))

    def exp(self):  # d(e**a)/da = e**a
        return Value(math.exp(self.data), (self,), (math.exp(self.data),))

    def relu(self):  # d(max(0, a))/da = 1 where a > 0, else 0
        return Value(max(0, self.data), (self,), (float(self.data > 0),))
    # --8<-- [end:operations]

    # --8<-- [start:derived_operations]
    # Everything else is built from the operations above: it needs no gradient rule.
    def __neg__(self):  # -a = a * -1
        return self * -1

    def __sub__(self, other):  # a - b = a + (-b)
        return self + (-other)

    def __truediv__(self, other):  # a / b = a * b**-1
        return self * other**-1

    def __radd__(self, other):  # 2 + a, when the plain number comes first
        return self + other

    def __rsub__(self, other):  # 2 - a
        return other + (-self)

    def __rmul__(self, other):  # 2 * a
        return self * other

    def __rtruediv__(self, other):  # 2 / a
        return other * self**-1
    # --8<-- [end:derived_operations]

    # --8<-- [start:backward]
    def backward(self):
        """Fill in .grad of every Value this one depends on, from the output back"""
        # Order the graph so that every node comes after all of its children (a
        # topological order). An explicit stack instead of recursion: deep models
        # would exceed Python's recursion limit. It visits nodes in exactly the
        # order the recursive version does.
        order, visited = [], {self}
        stack = [(self, iter(self._children))]
        while stack:
            node, children = stack[-1]
            for child in children:
                if child not in visited:
                    visited.add(child)
                    stack.append((child, iter(child._children)))
                    break
            else:  # every child is placed: the node itself can follow
                stack.pop()
                order.append(node)
        # Walk from the output back to the inputs, by the chain rule. A node's
        # gradient is complete before it is passed on: all that uses the node comes
        # later in `order`.
        self.grad = 1
        for node in reversed(order):
            for child, local_grad in zip(node._children, node._local_grads):
                child.grad += local_grad * node.grad  # +=: used twice, gets both
    # --8<-- [end:backward]
# --8<-- [end:value]
