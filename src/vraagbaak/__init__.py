"""Vraagbaak: questions about Dutch government documents, answered with cited passages.

corpus reads documents into a structured model, index splits, embeds, stores and searches them,
service answers over HTTP; settings are read once, in vraagbaak.settings, at the entry points.
"""
