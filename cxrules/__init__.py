"""cxrules: customer-experience rules as code: a policy language and engines that audit logs."""

__version__ = "0.1.0"
