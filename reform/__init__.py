"""Core of the reform-indicators dashboard: plain Python, never imports streamlit."""
