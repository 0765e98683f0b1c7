"""Audit of sign-ins, sign-outs, failed sign-ins and password changes (connected in apps.py);
API tokens revoked on a password change or a deactivation; `cases_imported` and
`courts_changed`, for the layers above."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal, receiver
from rest_framework.authtoken.models import Token

from cases.choices import AuditAction
from cases.services import audit_record

# Sent by an import (not a dry run) inside its transaction, once it has written the case table:
# its set-based writer and the derived fields' refresh save no model, so what follows the saves
# (supervision's queue count) follows this too. A receiver acting after the commit registers
# itself with transaction.on_commit.
cases_imported = Signal()

# Sent when courts are created, changed or removed: a Court saved or deleted, an import's new
# courts (its writer saves no model). The court tree is kept under the results generation
# (cases.units._court_tree), which metrics changes on this, on commit.
courts_changed = Signal()


@receiver([post_save, post_delete], sender="cases.Court", dispatch_uid="cases_courts_changed")
def court_saved(sender, **kwargs):
    courts_changed.send(sender=sender)


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
def note_password_replaced(sender, instance, update_fields=None, **kwargs):
    # set_password() keeps the raw password until save() completes (hash upgrades on login clear
    # it first). A first password given to a user saved without one is not a change.
    # Deactivation: is_active turned off by this save. Most saves (last_login) need no query.
    saved = set(update_fields) if update_fields is not None else {"password", "is_active"}
    new_password = instance._password is not None and "password" in saved
    deactivating = not instance.is_active and "is_active" in saved
    before = None
    if instance.pk is not None and (new_password or deactivating):
        before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    instance._courtdash_password_replaced = (
        new_password and before is not None and before["password"] != ""
    )
    instance._courtdash_deactivated = deactivating and before is not None and before["is_active"]


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
        Token.objects.filter(user=instance).delete()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="cases_revoke_on_deactivation")
def revoke_tokens_on_deactivation(sender, instance, created, **kwargs):
    """A deactivated account's API tokens are deleted: reactivating it revives none of them.
    (A password change deletes them in audit_password_change.)"""
    if getattr(instance, "_courtdash_deactivated", False):
        instance._courtdash_deactivated = False
        Token.objects.filter(user=instance).delete()
