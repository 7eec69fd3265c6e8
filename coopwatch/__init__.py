"""coopwatch: news about regional cooperation in China, collected, understood and digested."""

__version__ = "0.1.0"
