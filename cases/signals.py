"""Audit of sign-ins, sign-outs, failed sign-ins and password changes (connected in apps.py)."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from cases.choices import AuditAction
from cases.services import audit_record


@receiver(user_logged_in, dispatch_uid="cases_audit_login")
def audit_login(sender, request, user, **kwargs):
    audit_record(action=AuditAction.LOGIN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="cases_audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditAction.LOGOUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="cases_audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    detail = {"username": str(credentials.get("username", ""))[:150]}
    if getattr(request, "axes_locked_out", False):
        detail["locked_out"] = True
    audit_record(action=AuditAction.LOGIN_FAILED, request=request, detail=detail)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="cases_note_password")
def note_password_replaced(sender, instance, **kwargs):
    # set_password() keeps the raw password until save() completes (hash upgrades on login clear
    # it first). A first password given to a user saved without one is not a change.
    instance._courtdash_password_replaced = (
        instance._password is not None
        and instance.pk is not None
        and sender.objects.filter(pk=instance.pk).exclude(password="").exists()
    )


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="cases_audit_password")
def audit_password_change(sender, instance, created, **kwargs):
    """Any real change of a password: the change-password page, the admin, the shell."""
    if getattr(instance, "_courtdash_password_replaced", False):
        instance._courtdash_password_replaced = False
        audit_record(
            action=AuditAction.PASSWORD_CHANGE,
            user=instance,
            object_type="user",
            object_id=instance.pk,
        )
